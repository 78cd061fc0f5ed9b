import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { AccessConfig } from '../src/access/access.config';
import { Users } from '../src/access/users';
import type { Actor, NewEvent, RecordedEvent } from '../src/core/event';
import { SqliteEventStore } from '../src/infrastructure/sqlite/sqlite.event-store';
import { isRegistryStream, Registry, REGISTRY_STREAM_PREFIXES } from '../src/registry/registry';
import { registryNode, testSecrets } from '../test/support/registry-node';
import { type BenchOptions, type BenchResult, fixed, median, progress, runBenchmark } from './support';

const OPERATOR: Actor = { userId: 'bench', role: 'admin', region: 'deployment' };
const ROUNDS = 3;
const EVENTS_PER_APPEND = 1_000;

/** An agreement's step of the usual size: what fills the log around the registry's streams. */
function step(n: number): NewEvent {
  return {
    id: randomUUID(),
    type: 'MonevRecorded',
    schemaVersion: 1,
    data: { party: '36', date: '2026-01-10', rating: 1 + (n % 5), recommendation: 'continue', note: 'Monitoring dan evaluasi semester' },
    metadata: {
      actor: { userId: 'koordinator.36', role: 'coordinator', region: '36' },
      occurredAt: '2026-01-10T03:00:00.000Z',
      correlationId: randomUUID(),
      causationId: randomUUID(),
    },
  };
}

/** What the start read before: every event of the log through a subscription from 0, keeping the registry's. */
async function wholeLogRead(store: SqliteEventStore, head: number): Promise<number> {
  let kept = 0;
  await new Promise<void>((done, failed) => {
    const subscription = store.subscribe(
      0,
      (event: RecordedEvent) => {
        if (isRegistryStream(event.streamId)) kept++;
        if (event.position >= head) void subscription.close().then(done);
      },
      failed,
    );
  });
  return kept;
}

/**
 * A node's start: the registry folds users, contacts, policies and region settings. It reads only their streams (by
 * stream-name prefix, an index range on SQLite), so its start follows them, not the log. Beside it, in the same rounds:
 * the raw read of those streams (the ceiling), and the whole log read through a subscription (what the start did before).
 */
async function run(options: BenchOptions): Promise<BenchResult> {
  const logEvents = options.commands ?? (options.large ? 2_000_000 : 1_000_000);
  const userCount = 2_000;
  const store = SqliteEventStore.open(join(options.dataDir, 'registry-events.sqlite'));
  const node = await registryNode(store);
  const users = new Users(node.processor, node.registry, new AccessConfig(undefined), () => true);
  const appends = Math.ceil(logEvents / EVENTS_PER_APPEND);
  const usersPerAppend = Math.ceil(userCount / appends);
  const addUser = (n: number) =>
    users.add({ userId: `pegawai-${n}@bantenprov.go.id`, name: `Pegawai ${n}`, role: 'coordinator', region: '36' }, OPERATOR, new Date());
  progress(`writing ${logEvents.toLocaleString('en')} agreement events with ${userCount.toLocaleString('en')} users added between them`);
  let user = 0;
  for (let append = 0, written = 0; append < appends; append++) {
    const events = Array.from({ length: Math.min(EVENTS_PER_APPEND, logEvents - written) }, (_, i) => step(written + i));
    await store.append(`agreement-${append}`, events, 'no-stream');
    written += events.length;
    for (let i = 0; i < usersPerAppend && user < userCount; i++) await addUser(user++);
    if (append % 100 === 99) progress(`${written.toLocaleString('en')} events written`);
  }
  await node.close();
  const head = await store.headPosition();

  const startMs: number[] = [];
  const rawMs: number[] = [];
  const wholeMs: number[] = [];
  let registryEvents = 0;
  for (let round = 0; round < ROUNDS; round++) {
    progress(`round ${round + 1} of ${ROUNDS}`);
    let begin = performance.now();
    const registry = new Registry(testSecrets());
    await registry.start(store);
    startMs.push(performance.now() - begin);
    if (registry.allUsers().length !== userCount) throw new Error(`the registry holds ${registry.allUsers().length} users, not ${userCount}`);
    await registry.close();

    begin = performance.now();
    registryEvents = (await store.readStreamsByPrefix(REGISTRY_STREAM_PREFIXES, head)).length;
    rawMs.push(performance.now() - begin);

    begin = performance.now();
    if ((await wholeLogRead(store, head)) !== registryEvents) throw new Error('the whole log holds other registry events than the prefix read');
    wholeMs.push(performance.now() - begin);
  }
  await store.close();

  const [ours, raw, whole] = [median(startMs), median(rawMs), median(wholeMs)];
  return {
    title: `Registry: a node's start at ${head.toLocaleString('en')} events, ${registryEvents.toLocaleString('en')} of them the registry's`,
    rows: [
      ['what', 'ms', 'ratio (raw / ours)'],
      ['registry start (read its streams by prefix, fold, follow the log)', fixed(ours, 0), `${fixed(raw / ours, 2)}×`],
      ['raw: readStreamsByPrefix of those streams (ceiling)', fixed(raw, 0), ''],
      ['before: the whole log through a subscription from 0', fixed(whole, 0), ''],
    ],
    figures: {
      'registry.log_events': head,
      'registry.events': registryEvents,
      'registry.start_ms': ours,
      'registry.raw_prefix_read_ms': raw,
      'registry.start_ratio': raw / ours,
      'registry.whole_log_read_ms': whole,
    },
    notes: [
      `median of ${ROUNDS} rounds; SQLite store; the start follows the registry's streams, not the log (before: the whole log).`,
      'sizes: --commands N sets the events in the log (default 1,000,000).',
    ],
  };
}

runBenchmark(run);
