// One measured pass over the events of a store, in a process of its own so that its memory figures are its own:
//   node --expose-gc -r ./test/support/swc-register.js bench/projections.pass.ts raw|rebuild <events file> <read-model file>
// Prints one line `PASS_RESULT {json}`.
import { rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { ALL_PROJECTIONS } from '../projections/all-projections';
import type { AgreementEvent } from '../src/agreements/domain/agreement.events';
import { type AgreementState, evolveAgreement, initialAgreementState } from '../src/agreements/domain/agreement.state';
import { growHeapAsTheServerDoes } from '../src/heap-growth';
import { SqliteEventStore } from '../src/infrastructure/sqlite/sqlite.event-store';
import { GenerationRegistry } from '../src/read-models/storage/generation-registry';
import { rebuild } from '../src/read-models/projector/rebuild';
import { sampleMemory } from './support';

export interface PassResult {
  events: number;
  seconds: number;
  /** CPU time of the process during the pass (user + system): steadier than wall time on a busy machine. */
  cpuSeconds: number;
  /** Resident set and live heap (after a full collection) when a quarter, half and all of the events were applied. */
  memory: { at: 'quarter' | 'half' | 'end'; rssMb: number; heapUsedMb: number }[];
  /** The process's highest resident set. */
  peakRssMb: number;
}

const READ_BATCH = 10_000;

/** The ceiling: every event read from the file (as the runner reads them) and folded in memory. */
async function raw(events: SqliteEventStore, total: number, sample: (position: number) => void): Promise<number> {
  const states = new Map<string, AgreementState>();
  let count = 0;
  for (let position = 0; ; ) {
    const batch = await events.readAll(position, READ_BATCH);
    if (batch.length === 0) break;
    for (const event of batch) {
      states.set(event.streamId, evolveAgreement(states.get(event.streamId) ?? initialAgreementState, event as unknown as AgreementEvent));
    }
    count += batch.length;
    position = batch[batch.length - 1].position;
    sample(position);
  }
  if (count !== total) throw new Error(`read ${count} events, expected ${total}`);
  return count;
}

async function rebuildAll(events: SqliteEventStore, readModelFile: string, total: number, sample: (position: number) => void): Promise<number> {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${readModelFile}${suffix}`, { force: true });
  const store = await GenerationRegistry.open({ adapter: 'sqlite', file: readModelFile });
  try {
    await rebuild(events, store, ALL_PROJECTIONS, {
      progressIntervalMs: 0,
      onProgress: ({ phase, position }) => {
        if (phase === 'replaying') sample(position);
      },
    });
    return total;
  } finally {
    await store.close();
  }
}

async function main(): Promise<void> {
  // As the CLI runs `sinergi projections rebuild`.
  growHeapAsTheServerDoes();
  const [kind, eventFile, readModelFile] = process.argv.slice(2);
  const events = SqliteEventStore.open(eventFile);
  const total = await events.headPosition();
  const memory: PassResult['memory'] = [];
  let excluded = 0;
  const sample = (position: number): void => {
    for (const [at, share] of [['quarter', 0.25], ['half', 0.5], ['end', 1]] as const) {
      if (position >= total * share && !memory.some((m) => m.at === at)) {
        // The full collection that makes the heap figure meaningful is not part of the pass's time.
        const begin = performance.now();
        memory.push({ at, ...sampleMemory() });
        excluded += performance.now() - begin;
      }
    }
  };
  const begin = performance.now();
  const cpu = process.cpuUsage();
  const count = kind === 'raw' ? await raw(events, total, sample) : await rebuildAll(events, readModelFile, total, sample);
  const seconds = (performance.now() - begin - excluded) / 1000;
  const { user, system } = process.cpuUsage(cpu);
  const cpuSeconds = (user + system) / 1e6 - excluded / 1000;
  await events.close();
  const result: PassResult = { events: count, seconds, cpuSeconds, memory, peakRssMb: process.resourceUsage().maxRSS / 1024 };
  process.stdout.write(`PASS_RESULT ${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
