import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordedEvent } from '../../src/core/event';
import type { EventStore } from '../../src/core/event-store.port';
import { SqliteEventStore } from '../../src/infrastructure/sqlite/sqlite.event-store';
import { regionSettingsStreamId } from '../../src/region-settings/domain/region-settings';
import { Registry } from '../../src/registry/registry';
import { event } from '../contract/event-store.contract';
import { type RegistryNode, registryNode, testSecrets } from '../support/registry-node';
import { AccessConfig } from '../../src/access/access.config';
import { Users } from '../../src/access/users';

const SIGNATORY = { position: 'Kepala Biro Pemerintahan', name: 'Siti Rahmawati', nip: '197003121995032001' };

/** The store, with what the registry asked of it: the log positions its subscriptions started after, events read. */
function watched(store: EventStore): { store: EventStore; subscribedAfter: number[]; readAll: number } {
  const seen = { subscribedAfter: [] as number[], readAll: 0 };
  const proxy = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (property === 'subscribe') {
        return (after: number, handler: (e: RecordedEvent) => void, onError?: (e: unknown) => void) => {
          seen.subscribedAfter.push(after);
          return target.subscribe(after, handler, onError);
        };
      }
      if (property === 'readAll') {
        return async (after: number, limit: number) => {
          const events = await target.readAll(after, limit);
          seen.readAll += events.length;
          return events;
        };
      }
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return Object.assign(seen, { store: proxy });
}

describe('the registry', () => {
  let dir: string;
  let store: SqliteEventStore;
  let registry: Registry;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sinergi-registry-'));
    store = SqliteEventStore.open(join(dir, 'events.sqlite'));
    registry = new Registry(testSecrets());
  });
  afterEach(async () => {
    await registry.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("starts from its own streams only, then follows the log from the head it started at", async () => {
    for (let i = 0; i < 30; i++) await store.append(`agreement-${i}`, [event(), event()], 'no-stream');
    await store.append(regionSettingsStreamId('36'), [event({ type: 'OpenDataPublished', data: { region: '36', on: '2026-07-01' } })], 'no-stream');
    await store.append(regionSettingsStreamId('17'), [event({ type: 'ReportSignatorySet', data: { region: '17', ...SIGNATORY } })], 'no-stream');
    for (let i = 30; i < 60; i++) await store.append(`agreement-${i}`, [event()], 'no-stream');
    const head = await store.headPosition();
    const seen = watched(store);

    await registry.start(seen.store);

    expect(registry.position).toBe(head);
    expect(seen.subscribedAfter).toEqual([head]);
    expect(seen.readAll).toBe(0);
    expect(registry.openDataPublishers()).toEqual([{ region: '36', since: '2026-07-01' }]);
    expect(registry.regionSettings('17')).toEqual({ region: '17', reportSignatory: SIGNATORY, openData: { published: false } });
    expect(registry.regionSettings('32')).toEqual({ region: '32', openData: { published: false } });
  });

  it("folds the regions' settings recorded after its start, as they come", async () => {
    await store.append(regionSettingsStreamId('36'), [event({ type: 'OpenDataPublished', data: { region: '36', on: '2026-07-01' } })], 'no-stream');
    await registry.start(store);

    await store.append(regionSettingsStreamId('36'), [event({ type: 'OpenDataWithdrawn', data: { region: '36', on: '2026-07-09' } })], 0);
    const { lastPosition } = await store.append(
      regionSettingsStreamId('17'),
      [event({ type: 'OpenDataPublished', data: { region: '17', on: '2026-07-10' } })],
      'no-stream',
    );
    await registry.caughtUpTo(lastPosition);

    expect(registry.openDataPublishers()).toEqual([{ region: '17', since: '2026-07-10' }]);
    expect(registry.regionSettings('36').openData).toEqual({ published: false, since: '2026-07-09' });
  });
});

/** Two nodes of one deployment: two processes' connections to one SQLite file, each with its registry and users. */
describe('a token on two nodes', () => {
  const admin = { userId: 'ops@sinergi', role: 'admin' as const, region: '36' };
  const at = new Date('2025-10-24T05:00:00.000Z');
  let dir: string;
  let nodes: { store: SqliteEventStore; node: RegistryNode; users: Users }[];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sinergi-registry-'));
    const secrets = testSecrets();
    nodes = await Promise.all(
      [0, 1].map(async () => {
        // A poll far longer than the test: what a node knows of the other's writes comes from asking the store.
        const store = SqliteEventStore.open(join(dir, 'events.sqlite'), { pollIntervalMs: 60_000 });
        const node = await registryNode(store, secrets);
        return { store, node, users: new Users(node.processor, node.registry, new AccessConfig(undefined), () => true) };
      }),
    );
  });
  afterEach(async () => {
    for (const { node, store } of nodes) {
      await node.close();
      await store.close();
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('signs in on one node at once when added on the other, and is refused there at once when revoked', async () => {
    const [a, b] = nodes;
    const { token } = await b.users.add({ userId: 'siti@bantenprov.go.id', name: 'Siti Rahma', role: 'coordinator', region: '36' }, admin, at);
    expect(await a.users.principalFor(token)).toMatchObject({ userId: 'siti@bantenprov.go.id' });
    await b.users.revoke('siti@bantenprov.go.id', admin, at);
    expect(await a.users.principalFor(token)).toBeUndefined();
  });
});
