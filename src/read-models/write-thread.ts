import { Worker } from 'node:worker_threads';
import type { SqlValue } from '../../projections/projection';
import type { WriteSink } from './generation-writer';
import { CONNECTION_PRAGMAS, REGISTRY_SQL } from './read-model.store';

/** A generation's checkpoint as a commit moves it: refused unless the registry still shows `expected` and `owner`. */
export interface CheckpointMove {
  projection: string;
  generation: number;
  owner: string;
  expected: number;
  position: number;
}

interface CommitJob {
  statements: string[];
  /** Pairs: the index of a statement, then its parameters. */
  writes: (number | SqlValue[])[];
  checkpoints: CheckpointMove[];
}

type CommitReply = { committed: boolean } | { error: string };

/** Collects a commit's writes for the write thread. */
export class WriteQueue implements WriteSink {
  private readonly statements: string[] = [];
  private readonly indexes = new Map<string, number>();
  private readonly writes: (number | SqlValue[])[] = [];

  run(sql: string, params: SqlValue[]): void {
    let index = this.indexes.get(sql);
    if (index === undefined) {
      index = this.statements.push(sql) - 1;
      this.indexes.set(sql, index);
    }
    this.writes.push(index, params);
  }

  job(checkpoints: CheckpointMove[]): CommitJob {
    return { statements: this.statements, writes: this.writes, checkpoints };
  }
}

// Plain JavaScript run with `eval`: the thread starts the same way under ts-node, jest and the compiled build.
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.betterSqlite3);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 10000');
for (const pragma of workerData.pragmas) db.pragma(pragma);
const prepared = new Map();
const statement = (sql) => prepared.get(sql) ?? prepared.set(sql, db.prepare(sql)).get(sql);
const generation = db.prepare(workerData.registry.generation);
const setCheckpoint = db.prepare(workerData.registry.setCheckpoint);
const commit = db.transaction((job) => {
  for (const move of job.checkpoints) {
    const row = generation.get(move.projection, move.generation);
    if (!row || row.state !== 'building' || row.owner !== move.owner || row.checkpoint !== move.expected) return false;
  }
  for (let i = 0; i < job.writes.length; i += 2) statement(job.statements[job.writes[i]]).run(...job.writes[i + 1]);
  for (const move of job.checkpoints) setCheckpoint.run(move.position, Date.now(), move.projection, move.generation);
  return true;
});
const pause = new Int32Array(new SharedArrayBuffer(4));
parentPort.on('message', (job) => {
  if (job === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  for (;;) {
    try {
      parentPort.postMessage({ committed: commit.immediate(job) });
      return;
    } catch (error) {
      if (error && error.code === 'SQLITE_BUSY') {
        Atomics.wait(pause, 0, 0, 25);
        continue;
      }
      parentPort.postMessage({ error: String((error && error.stack) || error) });
      return;
    }
  }
});
`;

/**
 * A thread with its own connection to the read-model file that commits a rebuild's writes while the rebuild reads
 * and folds the next events: the SQLite work of a large rebuild runs on a second core. One commit at a time, in
 * the order they are sent; each commit is one transaction, checkpoints included, checked against the registry.
 */
export class WriteThread {
  private readonly worker: Worker;
  private readonly replies: ((reply: CommitReply) => void)[] = [];
  private failure: Error | undefined;

  constructor(file: string) {
    this.worker = new Worker(THREAD_SOURCE, {
      eval: true,
      workerData: { file, betterSqlite3: require.resolve('better-sqlite3'), pragmas: CONNECTION_PRAGMAS, registry: REGISTRY_SQL },
    });
    this.worker.on('message', (reply: CommitReply) => this.replies.shift()?.(reply));
    this.worker.on('error', (error) => {
      this.failure = error;
      for (const reply of this.replies.splice(0)) reply({ error: error.message });
    });
  }

  /** Resolves once committed: true, or false when a checkpoint was not where the job expected it. */
  commit(job: CommitJob): Promise<boolean> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.replies.push((reply) => ('error' in reply ? reject(new Error(`the write thread failed: ${reply.error}`)) : resolve(reply.committed)));
      this.worker.postMessage(job);
    });
  }

  async close(): Promise<void> {
    if (this.failure) return;
    this.worker.postMessage('close');
    await new Promise((resolve) => this.worker.once('exit', resolve));
  }
}
