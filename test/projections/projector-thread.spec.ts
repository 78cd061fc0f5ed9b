import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { ProjectionsStatus } from '../../src/read-models/projector/projections-status';
import { ProjectorThread } from '../../src/read-models/projector/projector-thread';
import { bantenCoordinator, bantenOffersBengkulu } from '../e2e/http-fixtures';
import { TestApp } from '../support/test-app';
import { waitUntil } from '../support/wait-until';

describe("the server's projector thread", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await TestApp.start({ now: '2025-10-24T03:00:00.000Z' });
  });
  afterAll(() => app.close());

  const propose = async (): Promise<number> =>
    (await app.as(bantenCoordinator).post('/agreements', bantenOffersBengkulu).expect(201)).body.position as number;
  const listed = async (): Promise<number> => (await app.as(bantenCoordinator).get('/agreements').expect(200)).body.total as number;

  it('keeps the read models live from a thread of its own, beside the API', async () => {
    const thread = app.get(ProjectorThread);
    expect(thread.threadId).toEqual(expect.any(Number));
    expect(thread.threadId).not.toBe(threadId);

    await app.get(ProjectionsStatus).caughtUp(await propose());

    expect(await listed()).toBe(1);
  });

  it('is started again when it dies, and goes on from the checkpoint', async () => {
    const thread = app.get(ProjectorThread);
    const first = thread.threadId;
    // As an uncaught failure or an out-of-memory end would: the thread is gone without stopping.
    await (thread as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    const position = await propose();

    await waitUntil(() => thread.threadId !== undefined && thread.threadId !== first, 'a new projector thread', 5_000);
    await app.get(ProjectionsStatus).caughtUp(position);

    expect(await listed()).toBe(2);
  });
});

describe("a failing projector thread", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await TestApp.start({ now: '2025-10-24T03:00:00.000Z' });
  });
  afterAll(() => app.close());

  it('makes /health say the read models are down, with the failure', async () => {
    const operator = { userId: 'operator@sinergi', role: 'admin' as const, region: '36' };
    const position = (await app.as(bantenCoordinator).post('/agreements', bantenOffersBengkulu).expect(201)).body.position as number;
    await app.get(ProjectionsStatus).caughtUp(position);
    // Someone removes a live table behind the server's back: the thread's next batch cannot be written.
    const file = new Database(join(app.dataDir, 'read-models.sqlite'));
    const { generation } = file.prepare("SELECT generation FROM projection_generations WHERE projection = 'activity' AND state = 'live'").get() as { generation: number };
    file.exec(`DROP TABLE activity_g${generation}`);
    file.close();

    await app.as(bantenCoordinator).post('/agreements', bantenOffersBengkulu).expect(201);

    await waitUntil(async () => (await app.as(operator).get('/health')).status === 503, 'the health check to fail', 8_000);
    const { body } = await app.as(operator).get('/health').expect(503);
    expect(body.components.projections).toMatchObject({ status: 'down', error: expect.stringContaining('activity_g') });
  });
});
