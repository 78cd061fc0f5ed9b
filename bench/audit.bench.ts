// The auditor's reads beside the raw read of the same events in the same run: an agreement's state as of a date on
// a stream of 1,000 events, and the tamper check of a whole store (100,000 events; one million with --large).
//   flags: --large, --events N (size of the verified store)
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { AgreementCommandInput } from '../src/agreements/application/agreement.commands';
import { agreementDecider, agreementStreamId } from '../src/agreements/domain/agreement.decider';
import type { AgreementCommand } from '../src/agreements/domain/agreement.commands';
import { addDays, dateInRegion } from '../src/agreements/domain/dates';
import { DEFAULT_POLICY } from '../src/agreements/domain/policy';
import { agreementAsOf, readAgreementHistory } from '../src/audit/agreement-audit';
import { CheckpointKey, LogCheckpoints } from '../src/audit/log-checkpoints';
import { verifyLog } from '../src/audit/log-verifier';
import { SystemClock } from '../src/core/clock.port';
import { CommandProcessor } from '../src/core/command-processor';
import type { NewEvent } from '../src/core/event';
import { coordinator, dinasOfficer } from '../src/demo/demo-story';
import { SqliteEventStore } from '../src/infrastructure/sqlite/sqlite.event-store';
import { type BenchOptions, type BenchResult, fixed, progress, runBenchmark } from './support';

const STREAM_EVENTS = 1_000;
const AS_OF_REPEATS = 40;
const banten = coordinator('36');
const bengkulu = coordinator('17');
const dinkes = dinasOfficer('17', 'Dinas Kesehatan');

/** Median of `repeats` timings of `run`, in milliseconds. */
function medianMs(repeats: number, run: () => unknown): number {
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const begin = performance.now();
    run();
    samples.push(performance.now() - begin);
  }
  return samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)];
}

async function medianMsAsync(repeats: number, run: () => Promise<unknown>): Promise<number> {
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const begin = performance.now();
    await run();
    samples.push(performance.now() - begin);
  }
  return samples.sort((a, b) => a - b)[Math.floor(samples.length / 2)];
}

/** Every row of a query, read and its JSON columns parsed: what any reader of these events pays at least. */
function rawRead(file: string, sql: string, ...params: unknown[]): () => number {
  const db = new Database(file, { readonly: true });
  const statement = db.prepare(sql);
  return () => {
    let rows = 0;
    for (const row of statement.iterate(...params) as IterableIterator<{ data: string; metadata: string }>) {
      JSON.parse(row.data);
      JSON.parse(row.metadata);
      rows++;
    }
    return rows;
  };
}

/**
 * One agreement told through the command path until its stream holds `events` events: the KSB is signed, then
 * follow-ups are assigned, acknowledged, reported on and completed, one day apart.
 */
async function bigAgreement(store: SqliteEventStore, events: number): Promise<{ agreementId: string; middle: string }> {
  const processor = new CommandProcessor(store);
  const agreementId = '00000000-0000-4000-8000-00000000a0d1';
  let day = '2025-09-15';
  let written = 0;
  const run = async (by: typeof banten, command: AgreementCommandInput) => {
    const occurredAt = `${day}T12:00:00+07:00`;
    const full = { ...command, context: { today: dateInRegion(occurredAt, by.region), policy: DEFAULT_POLICY } } as AgreementCommand;
    const result = await processor.handle(agreementDecider, agreementStreamId(agreementId), full, {
      actor: by,
      occurredAt,
      correlationId: 'bench',
      causationId: 'bench',
    });
    written += result.events.length;
  };
  await run(banten, {
    type: 'ProposeAgreement',
    data: {
      agreementId,
      proposer: '36',
      counterparts: ['17'],
      title: 'KSB Banten–Bengkulu',
      fields: ['kesehatan'],
      scope: 'Layanan kesehatan',
      kind: 'voluntary',
      offerLetter: { number: '1/2025', date: day },
      termMonths: 60,
    },
  });
  await run(bengkulu, { type: 'AcceptOffer', data: { party: '17' } });
  await run(banten, { type: 'ReviseDraft', data: { documentSha256: 'a'.repeat(64), summary: 'Draf' } });
  await run(banten, { type: 'ApproveDraft', data: { party: '36', version: 1 } });
  await run(bengkulu, { type: 'ApproveDraft', data: { party: '17', version: 1 } });
  const signature = (party: string) => ({ party, signatory: { name: 'Gubernur', position: 'Gubernur' }, documentNumber: `${party}/KSB`, date: day, place: 'Serang' });
  await run(banten, { type: 'SignAgreement', data: signature('36') });
  await run(bengkulu, { type: 'SignAgreement', data: signature('17') });
  for (let n = 1; written < events; n++) {
    day = addDays(day, 1);
    const followUpId = `tl-${n}`;
    const steps: [typeof banten, AgreementCommandInput][] = [
      [bengkulu, { type: 'AssignFollowUp', data: { party: '17', opd: 'Dinas Kesehatan', action: `Tindak lanjut ${n}`, dueDate: addDays(day, 90) } }],
      [dinkes, { type: 'AcknowledgeFollowUp', data: { followUpId } }],
      [dinkes, { type: 'ReportFollowUpProgress', data: { followUpId, percent: 50, note: 'Separuh jalan', evidence: ['b'.repeat(64)] } }],
      [dinkes, { type: 'CompleteFollowUp', data: { followUpId, note: 'Selesai', evidence: ['c'.repeat(64)] } }],
    ];
    for (const [by, command] of steps) if (written < events) await run(by, command);
  }
  return { agreementId, middle: addDays('2025-10-24', Math.floor((written - 11) / 8)) };
}

const monevEvent = (n: number): NewEvent => ({
  id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  type: 'MonevRecorded',
  schemaVersion: 1,
  data: { party: '36', date: '2026-01-10', rating: 4, recommendation: 'continue', note: `Monitoring dan evaluasi ke-${n}: layanan berjalan` },
  metadata: {
    actor: { userId: 'koordinator.36', role: 'coordinator', region: '36' },
    occurredAt: '2026-01-10T10:00:00+07:00',
    correlationId: '5f0c7a3e-8d43-4f0e-9a55-0c2b1d7e4a11',
    causationId: '5f0c7a3e-8d43-4f0e-9a55-0c2b1d7e4a11',
  },
});

/** A store of `total` events over streams of 100, written 10,000 events per group commit. */
async function largeStore(store: SqliteEventStore, total: number): Promise<void> {
  const perStream = 100;
  const streamsPerGroup = 100;
  let written = 0;
  for (let stream = 0; written < total; stream += streamsPerGroup) {
    const group = Array.from({ length: streamsPerGroup }, (_, i) => {
      const count = Math.min(perStream, total - written - i * perStream);
      if (count <= 0) return Promise.resolve();
      const events = Array.from({ length: count }, (_, e) => monevEvent(written + i * perStream + e));
      return store.append(`agreement-bench-${stream + i}`, events, 'no-stream');
    });
    await Promise.all(group);
    written = Math.min(total, written + streamsPerGroup * perStream);
    if (written % 100_000 === 0) progress(`  written ${written.toLocaleString('en')} of ${total.toLocaleString('en')} events`);
  }
}

async function run(options: BenchOptions): Promise<BenchResult> {
  const eventsFlag = options.argv.indexOf('--events');
  const total = eventsFlag >= 0 ? Number(options.argv[eventsFlag + 1]) : options.large ? 1_000_000 : 100_000;

  progress(`as-of: an agreement stream of ${STREAM_EVENTS} events`);
  const streamFile = join(options.dataDir, 'stream.sqlite');
  const streamStore = SqliteEventStore.open(streamFile);
  const { agreementId, middle } = await bigAgreement(streamStore, STREAM_EVENTS);
  const rawStream = rawRead(streamFile, 'SELECT * FROM events WHERE stream_id = ? ORDER BY revision', agreementStreamId(agreementId));
  const streamRows = rawStream();
  const asOf = async () => agreementAsOf(agreementId, await readAgreementHistory(streamStore, agreementId), { date: middle, basis: 'occurred' });
  const applied = (await asOf()).eventsApplied;
  // Alternate the two, so that a neighbour's load on a shared machine weighs on both alike.
  let rawStreamMs = 0;
  let asOfMs = 0;
  for (let round = 0; round < 5; round++) {
    rawStreamMs += medianMs(AS_OF_REPEATS, rawStream) / 5;
    asOfMs += (await medianMsAsync(AS_OF_REPEATS, asOf)) / 5;
  }
  await streamStore.close();

  progress(`verify: a store of ${total.toLocaleString('en')} events`);
  const logFile = join(options.dataDir, 'log.sqlite');
  const logStore = SqliteEventStore.open(logFile);
  const writeBegin = performance.now();
  await largeStore(logStore, total);
  const writeSeconds = (performance.now() - writeBegin) / 1000;
  const rawLog = rawRead(logFile, 'SELECT * FROM events ORDER BY position');
  rawLog(); // warm the page cache for both
  let rawLogMs = Number.POSITIVE_INFINITY;
  let verifyMs = Number.POSITIVE_INFINITY;
  let verified = 0;
  for (let round = 0; round < 2; round++) {
    rawLogMs = Math.min(rawLogMs, medianMs(1, rawLog));
    const begin = performance.now();
    const result = await verifyLog(logStore);
    verifyMs = Math.min(verifyMs, performance.now() - begin);
    if (!result.intact) throw new Error(`the benchmark store does not verify: ${JSON.stringify(result.firstBroken)}`);
    verified = result.eventsChecked;
  }

  // A node's first checkpoint reads the whole log (later ones only what is new), seals it, builds the Merkle tree and
  // signs; an export's inclusion proofs build the tree over the checkpoint's events again.
  progress('checkpoint: the first one over the whole log, then the proofs of one agreement');
  const checkpoints = new LogCheckpoints(logStore, CheckpointKey.load({ file: join(options.dataDir, 'checkpoint-key.pem') }), new SystemClock());
  let begin = performance.now();
  const checkpoint = await checkpoints.signAtHead();
  const checkpointMs = performance.now() - begin;
  const oneAgreement = await logStore.readStream('agreement-bench-0');
  begin = performance.now();
  const inclusion = await checkpoints.inclusionOf(oneAgreement);
  const inclusionMs = performance.now() - begin;
  const anotherAgreement = await logStore.readStream('agreement-bench-1');
  begin = performance.now();
  await checkpoints.inclusionOf(anotherAgreement);
  const nextInclusionMs = performance.now() - begin;
  if (!checkpoint || inclusion?.proofs.length !== oneAgreement.length) throw new Error('the benchmark log was not checkpointed');
  await logStore.close();

  const figures = {
    'audit.as_of_stream_events': streamRows,
    'audit.as_of_ms': asOfMs,
    'audit.as_of_raw_read_ms': rawStreamMs,
    'audit.as_of_ratio': asOfMs / rawStreamMs,
    'audit.verify_events': verified,
    'audit.verify_ms': verifyMs,
    'audit.verify_raw_read_ms': rawLogMs,
    'audit.verify_ratio': verifyMs / rawLogMs,
    'audit.verify_events_per_s': verified / (verifyMs / 1000),
    'audit.checkpoint_ms': checkpointMs,
    'audit.checkpoint_ratio': checkpointMs / rawLogMs,
    'audit.inclusion_ms': inclusionMs,
    'audit.inclusion_next_ms': nextInclusionMs,
  };
  return {
    title: 'Audit: state as of a date, and the tamper check of the whole log, beside the raw read of the same events',
    rows: [
      ['what', 'events', 'ms', 'raw read ms', '× raw'],
      [`as of ${middle} (${applied} events apply)`, streamRows, fixed(asOfMs, 2), fixed(rawStreamMs, 2), `${fixed(asOfMs / rawStreamMs, 2)}×`],
      ['verify every chain, the order, the seal', verified, fixed(verifyMs, 0), fixed(rawLogMs, 0), `${fixed(verifyMs / rawLogMs, 2)}×`],
      ['sign the first checkpoint (seal, Merkle root)', checkpoint.position, fixed(checkpointMs, 0), fixed(rawLogMs, 0), `${fixed(checkpointMs / rawLogMs, 2)}×`],
      [`inclusion proofs of one agreement's ${oneAgreement.length} events (builds the tree)`, checkpoint.position, fixed(inclusionMs, 0), fixed(rawLogMs, 0), `${fixed(inclusionMs / rawLogMs, 2)}×`],
      [`the same for the next agreement (tree kept)`, checkpoint.position, fixed(nextInclusionMs, 1), fixed(rawLogMs, 0), `${fixed(nextInclusionMs / rawLogMs, 4)}×`],
    ],
    figures,
    notes: [
      'raw read: every column of the same SQLite rows, JSON columns parsed (better-sqlite3 directly, no event store).',
      'as of: read the stream through the event store port, then fold the events that occurred by the end of the date.',
      `verify: recompute each event's SHA-256 over its canonical JSON, check each stream's chain and the global order (store written in ${fixed(writeSeconds, 1)} s).`,
    ],
  };
}

runBenchmark(run);
