import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { AppModule } from '../../src/app.module';
import { SinergiConfig } from '../../src/config/sinergi.config';
import { Clock } from '../../src/core/clock.port';
import type { Actor } from '../../src/core/event';
import { EventStore } from '../../src/core/event-store.port';
import { configureApp } from '../../src/http/configure-app';

/** A clock that stands still until a test moves it. */
export class TestClock extends Clock {
  private current: number;

  constructor(start: string) {
    super();
    this.current = Date.parse(start);
  }

  now(): Date {
    return new Date(this.current);
  }

  /** Moves to an instant (ISO 8601). */
  set(instant: string): void {
    this.current = Date.parse(instant);
  }
}

/** Requests that carry one acting user's headers. */
export interface RequestsAs {
  get(path: string): request.Test;
  post(path: string, body?: object): request.Test;
}

export interface TestAppOptions {
  /** Where the clock starts (ISO 8601). */
  now?: string;
  bodyLimit?: string;
}

/**
 * The real application (every module, the SQLite store on a fresh temporary directory), listening on an
 * ephemeral port, with a clock the test moves.
 */
export class TestApp {
  private constructor(
    private readonly app: NestExpressApplication,
    private readonly url: string,
    readonly clock: TestClock,
    readonly dataDir: string,
  ) {}

  static async start(options: TestAppOptions = {}): Promise<TestApp> {
    const dataDir = mkdtempSync(join(tmpdir(), 'sinergi-e2e-'));
    const clock = new TestClock(options.now ?? '2025-01-01T02:00:00.000Z');
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
      .overrideProvider(SinergiConfig)
      .useValue(new SinergiConfig(0, dataDir, options.bodyLimit ?? '100kb'))
      .overrideProvider(Clock)
      .useValue(clock)
      .compile();
    const app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false, logger: ['error', 'warn'] });
    configureApp(app);
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    return new TestApp(app, `http://127.0.0.1:${port}`, clock, dataDir);
  }

  /** Requests made by this user: X-User-Id, X-User-Role, X-User-Region and X-User-Opd are set from the actor. */
  as(actor: Actor): RequestsAs {
    const headers: Record<string, string> = {
      'X-User-Id': actor.userId,
      'X-User-Role': actor.role,
      'X-User-Region': actor.region,
      ...(actor.opd ? { 'X-User-Opd': actor.opd } : {}),
    };
    return this.requests(headers);
  }

  /** Requests that say nothing about who is acting. */
  anonymous(): RequestsAs {
    return this.requests({});
  }

  /** The store's head position: how many events it holds. */
  eventCount(): Promise<number> {
    return this.app.get(EventStore).headPosition();
  }

  async close(): Promise<void> {
    await this.app.close();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  private requests(headers: Record<string, string>): RequestsAs {
    const agent = request(this.url);
    return {
      get: (path) => agent.get(path).set(headers),
      post: (path, body) => {
        const test = agent.post(path).set(headers);
        return body === undefined ? test : test.send(body);
      },
    };
  }
}
