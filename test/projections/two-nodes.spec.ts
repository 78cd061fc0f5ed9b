import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ALL_PROJECTIONS } from '../../projections/all-projections';
import { EventStore } from '../../src/core/event-store.port';
import { ProjectionsStatus } from '../../src/read-models/projector/projections-status';
import { GenerationRegistry } from '../../src/read-models/storage/generation-registry';
import { rebuild } from '../../src/read-models/projector/rebuild';
import {
  BANTEN,
  BENGKULU,
  agreementAwaitingSignatures,
  bantenCoordinator,
  bantenOffersBengkulu,
  bengkuluCoordinator,
  ksbSignature,
} from '../e2e/http-fixtures';
import { postgresSkipped, privatePostgresOfThisFile } from '../support/private-postgres';
import { freshPostgresStores, type PostgresStores } from '../support/stores';
import { TestApp } from '../support/test-app';
import { dumpLive } from './support/read-model-dump';

const describeWithPostgres = postgresSkipped ? describe.skip : describe;
const operator = { userId: 'ops@sinergi', role: 'admin', region: '31' } as const;

/** Two API nodes, as behind a load balancer: one PostgreSQL event store, one read-model schema, a projector in each. */
describeWithPostgres('two API nodes sharing PostgreSQL stores', () => {
  const postgres = privatePostgresOfThisFile();
  let stores: PostgresStores;
  let nodeA: TestApp;
  let nodeB: TestApp;

  beforeAll(async () => {
    stores = await freshPostgresStores(await postgres());
    [nodeA, nodeB] = await Promise.all([TestApp.start({ now: '2025-10-24T03:00:00.000Z', ...stores }), TestApp.start({ now: '2025-10-24T03:00:00.000Z', ...stores })]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([nodeA?.close(), nodeB?.close()]);
  });

  it('run on the same stores', async () => {
    for (const node of [nodeA, nodeB]) {
      const { components } = (await node.as(operator).get('/health').expect(200)).body;
      expect(components.eventStore).toMatchObject({ status: 'up', adapter: 'postgres', url: stores.events.url });
      expect(components.projections.store).toEqual({ adapter: 'postgres', location: stores.readModels.url, schema: 'read_models' });
    }
  });

  it("shows in node B's list and portfolio a command sent to node A", async () => {
    const { body } = await nodeA.as(bantenCoordinator).post('/agreements', bantenOffersBengkulu).expect(201);
    await nodeB.get(ProjectionsStatus).caughtUp(body.position);

    const list = (await nodeB.as(bengkuluCoordinator).get('/agreements').expect(200)).body;
    expect(list.items).toContainEqual(expect.objectContaining({ agreementId: body.agreementId, stage: 'proposed', parties: [BANTEN, BENGKULU] }));
    const portfolio = (await nodeB.as(bantenCoordinator).get(`/regions/${BANTEN}/portfolio`).expect(200)).body;
    expect(portfolio).toMatchObject({ total: list.total, byStage: { proposed: 1 } });
  });

  it("never applies an event twice while both nodes' projectors run, so the read models equal a clean rebuild", async () => {
    // Agreements driven through both nodes at once: each node's projector follows every commit, whichever node made it.
    const signedThroughTheOtherNode = async (first: TestApp, second: TestApp): Promise<void> => {
      const id = await agreementAwaitingSignatures(first);
      await second.as(bantenCoordinator).post(`/agreements/${id}/signatures`, ksbSignature(BANTEN)).expect(200);
      await first.as(bengkuluCoordinator).post(`/agreements/${id}/signatures`, ksbSignature(BENGKULU)).expect(200);
    };
    await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? signedThroughTheOtherNode(nodeA, nodeB) : signedThroughTheOtherNode(nodeB, nodeA))));
    const head = await nodeA.eventCount();
    await Promise.all([nodeA.get(ProjectionsStatus).caughtUp(head), nodeB.get(ProjectionsStatus).caughtUp(head)]);
    expect((await nodeA.get(ProjectionsStatus).report()).lastError).toBeUndefined();
    expect((await nodeB.get(ProjectionsStatus).report()).lastError).toBeUndefined();

    const dir = mkdtempSync(join(tmpdir(), 'sinergi-two-nodes-'));
    // Rebuilt into a SQLite file: the same rows on either adapter, from the same events.
    const clean = await GenerationRegistry.open({ adapter: 'sqlite', file: join(dir, 'read-models.sqlite') });
    try {
      await rebuild(nodeA.get(EventStore), clean, ALL_PROJECTIONS);
      const shared = await dumpLive(nodeB.get(GenerationRegistry), ALL_PROJECTIONS);
      expect(shared['agreement-status'].documents).toHaveLength(13);
      // One activity per agreement event; the users the nodes added are events of their own streams.
      const agreementEvents = (await nodeA.get(EventStore).readAll(0, head)).filter((event) => event.streamId.startsWith('agreement-'));
      expect(shared.activity.documents).toHaveLength(agreementEvents.length);
      expect(shared).toEqual(await dumpLive(clean, ALL_PROJECTIONS));
    } finally {
      await clean.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
