import { Test } from '@nestjs/testing';
import { CommandBus } from '@nestjs/cqrs';
import { AppModule } from '../../src/app.module';
import { SinergiConfig } from '../../src/config/sinergi.config';
import { Clock } from '../../src/core/clock.port';
import { type LoadedStory, loadSeedStories } from '../../src/demo/seed-stories';

/** A clock that moves one second every time it is read, so every commit has a recorded-at of its own. */
export class TickingClock extends Clock {
  private current: number;

  constructor(start: string) {
    super();
    this.current = Date.parse(start);
  }

  now(): Date {
    this.current += 1000;
    return new Date(this.current);
  }
}

/** Loads the seed stories into `dataDir` through the real command path, as `sinergi demo` does. */
export async function loadDemoStore(dataDir: string, clock: Clock = new TickingClock('2026-11-01T00:00:00.000Z')): Promise<LoadedStory[]> {
  const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
    .overrideProvider(SinergiConfig)
    .useValue(new SinergiConfig(0, dataDir, '100kb'))
    .overrideProvider(Clock)
    .useValue(clock)
    .compile();
  moduleRef.useLogger(['error', 'warn']);
  const app = await moduleRef.init();
  try {
    return await loadSeedStories(app.get(CommandBus), () => undefined);
  } finally {
    await app.close();
  }
}
