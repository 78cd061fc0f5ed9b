import { once } from 'node:events';
import { join } from 'node:path';
import { startThread } from './thread';

describe('a thread of the server', () => {
  it('runs the module named beside its caller, from the TypeScript sources here, with an 8 MB young generation', async () => {
    // The report thread's module: it waits for work, so it is still running when asked.
    const worker = startThread(join(__dirname, '../reports/render/render-thread.ts'), 'report-render.worker');
    try {
      await once(worker, 'online');
      expect(worker.resourceLimits?.maxYoungGenerationSizeMb).toBe(8);
    } finally {
      await worker.terminate();
    }
  });

  it('fails to start when the module is not there', async () => {
    const worker = startThread(join(__dirname, 'thread.ts'), 'no-such.worker');
    const [error] = (await once(worker, 'error')) as [Error];
    expect(error.message).toMatch(/no-such\.worker\.ts/);
  });
});
