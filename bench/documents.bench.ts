// Documents through the HTTP API (upload: stream, size and type checks, SHA-256, durable write; download: read back,
// checked against the hash as it goes) beside a raw copy of the same bytes to the same store in the same run:
// a file written and flushed (fsync) in the same directory, or one row of bytea in one committed transaction of the
// same PostgreSQL database. Then 20 clients upload 10 MB each at once, while the server's memory is sampled.
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { readFileSync } from 'node:fs';
import { open as openFile, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import { Worker } from 'node:worker_threads';
import { Pool } from 'pg';
import { pdfFile, sha256Of } from '../test/support/document-files';
import { startPrivatePostgres } from '../test/support/private-postgres';
import { TestApp, type TestAppOptions, type TestUser } from '../test/support/test-app';
import { bantenCoordinator, bantenOffersBengkulu, bengkuluCoordinator, BENGKULU } from '../test/e2e/http-fixtures';
import { DocumentStore } from '../src/documents/document-store.port';
import type { Transfer, TransferMessage, TransferResult, TransfersDone } from './http-transfer.worker';
import { type BenchOptions, type BenchResult, type Cell, fixed, median, progress, runBenchmark, sampleMemory } from './support';

const MB = 1024 * 1024;
/** After the offer letter's date, so that the counterpart may answer it. */
const OFFER_ANSWERED_AT = '2025-09-15T03:00:00.000Z';

interface Sizes {
  rounds: number;
  fileMb: number;
  concurrentClients: number;
}

const DEFAULT_SIZES: Sizes = { rounds: 5, fileMb: 10, concurrentClients: 20 };
const LARGE_SIZES: Sizes = { rounds: 10, fileMb: 10, concurrentClients: 20 };

interface Storage {
  name: 'files' | 'postgres';
  label: string;
  app: TestApp;
  /** The same bytes written as plainly and as durably as the store can take them. */
  rawWrite(bytes: Buffer): Promise<void>;
  rawRead(): Promise<number>;
  close(): Promise<void>;
}

async function filesStorage(dataDir: string): Promise<Storage> {
  const app = await TestApp.start({ dataDir, now: OFFER_ANSWERED_AT, documentMaxBytes: 20 * MB, logger: ['error'] });
  const rawFile = join(dataDir, 'documents', 'raw-copy');
  return {
    name: 'files',
    label: 'files (data directory)',
    app,
    rawWrite: async (bytes) => {
      const file = await openFile(rawFile, 'w');
      try {
        await file.write(bytes);
        await file.sync();
      } finally {
        await file.close();
      }
    },
    rawRead: async () => (await readFile(rawFile)).length,
    close: async () => {
      await app.close();
      await rm(join(dataDir, 'documents'), { recursive: true, force: true });
    },
  };
}

async function postgresStorage(url: string, dataDir: string): Promise<Storage> {
  const options: TestAppOptions = {
    dataDir,
    events: { adapter: 'postgres', url },
    readModels: { adapter: 'postgres', url, schema: 'read_models' },
    documents: { adapter: 'postgres', url },
    now: OFFER_ANSWERED_AT,
    documentMaxBytes: 20 * MB,
    logger: ['error'],
  };
  const app = await TestApp.start(options);
  const pool = new Pool({ connectionString: url, max: 2 });
  pool.on('error', () => undefined);
  await pool.query('CREATE TABLE raw_copy (id text PRIMARY KEY, bytes bytea NOT NULL)');
  let last = '';
  return {
    name: 'postgres',
    label: 'PostgreSQL (chunked bytea, fsync on)',
    app,
    rawWrite: async (bytes) => {
      last = randomUUID();
      await pool.query('INSERT INTO raw_copy (id, bytes) VALUES ($1, $2)', [last, bytes]);
    },
    rawRead: async () => (await pool.query<{ bytes: Buffer }>('SELECT bytes FROM raw_copy WHERE id = $1', [last])).rows[0].bytes.length,
    close: async () => {
      await pool.end();
      await app.close();
    },
  };
}

/**
 * The transport's share, measured apart: a bare Node HTTP server in this process that pipes the request body to a
 * file and flushes it, nothing else (no token, no checks, no hash, no event).
 */
async function bareHttpReceiver(directory: string): Promise<{ url: string; close(): Promise<void> }> {
  let n = 0;
  const server = createServer(async (req, res) => {
    const path = join(directory, `bare-${n++}`);
    await pipeline(req, createWriteStream(path));
    // Flushing the file through another descriptor flushes the same data: fsync is per file, not per descriptor.
    const file = await openFile(path, 'r');
    await file.sync();
    await file.close();
    res.writeHead(201).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/**
 * The store's own write path alone, behind a bare Node HTTP server in this process: the body goes straight to the
 * store's `keep` (hash, write, flush, rename, flush of the folder), with no token, no checks and no event. The gap
 * between this and the raw copy is the store's and the transport's; the gap between the API and this, the app's.
 */
async function bareKeepReceiver(store: DocumentStore): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    store.keep((req.url ?? '').slice(1), req).then(
      () => res.writeHead(201).end(),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/**
 * CPU time the server's main thread (the event loop) has used, in ms, from Linux's per-thread scheduler statistics:
 * the clients' thread, the hashing thread and libuv's pool are not counted. NaN where the kernel does not tell.
 */
function mainThreadCpuMs(): number {
  try {
    return Number(readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return Number.NaN;
  }
}

/** The clients' worker thread (see http-transfer.worker.ts), holding the files in memory shared with this thread. */
class Clients {
  private readonly worker = new Worker(join(__dirname, 'http-transfer.worker.ts'));

  private ask(message: TransferMessage): Promise<TransfersDone> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      this.worker.once('error', onError);
      this.worker.once('message', (done: TransfersDone) => {
        this.worker.off('error', onError);
        if (done.error) reject(new Error(done.error));
        else resolve(done);
      });
      this.worker.postMessage(message);
    });
  }

  /** The files, copied once into shared memory: the clients read them from there, the server never sees them. */
  async hold(files: Buffer[]): Promise<Buffer[]> {
    const shared = files.map((file) => {
      const memory = new SharedArrayBuffer(file.length);
      file.copy(Buffer.from(memory));
      return memory;
    });
    await this.ask({ files: shared });
    return shared.map((memory) => Buffer.from(memory));
  }

  /** The transfers, all at once; the answers in the same order, and the time from the first start to the last end. */
  async run(transfers: Transfer[]): Promise<{ results: TransferResult[]; elapsedMs: number }> {
    const done = await this.ask({ transfers });
    return { results: done.results ?? [], elapsedMs: done.elapsedMs ?? 0 };
  }

  async one(transfer: Transfer): Promise<TransferResult> {
    return (await this.run([transfer])).results[0];
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const begin = performance.now();
  await work();
  return performance.now() - begin;
}

/** An agreement in negotiation whose draft revisions name every file, so that each may be uploaded. */
async function agreementNaming(app: TestApp, files: Buffer[]): Promise<string> {
  const { body } = await app.as(bantenCoordinator).post('/agreements', bantenOffersBengkulu).expect(201);
  const id: string = body.agreementId;
  await app.as(bengkuluCoordinator).post(`/agreements/${id}/acceptances`, { party: BENGKULU }).expect(200);
  for (const file of files) {
    await app.as(bantenCoordinator).post(`/agreements/${id}/drafts`, { documentSha256: sha256Of(file), summary: 'draf' }).expect(201);
  }
  return id;
}

async function measure(storage: Storage, sizes: Sizes, clients: Clients): Promise<{ rows: Cell[][]; figures: Record<string, number> }> {
  const { app } = storage;
  const bytes = sizes.fileMb * MB;
  progress(`${storage.name}: making ${sizes.rounds + sizes.concurrentClients} documents of ${sizes.fileMb} MB`);
  // One file per round through the API, one per concurrent client, and one per round for the store alone.
  const files = await clients.hold(Array.from({ length: 2 * sizes.rounds + sizes.concurrentClients }, (_, i) => pdfFile(`Lampiran ${i}`, bytes - 1000)));
  const id = await agreementNaming(app, files.slice(0, sizes.rounds + sizes.concurrentClients));
  const url = (file: Buffer) => `${app.url}/agreements/${id}/documents/${sha256Of(file)}`;
  const as = async (user: TestUser) => ({ Authorization: `Bearer ${await app.tokenOf(user)}` });
  const [uploader, reader] = [await as(bantenCoordinator), await as(bengkuluCoordinator)];
  const mbPerS = (ms: number, size: number) => size / MB / (ms / 1000);

  const bare = await bareHttpReceiver(join(app.dataDir));
  const bareKeep = await bareKeepReceiver(app.get(DocumentStore));
  const upload: number[] = [];
  const uploadCpu: number[] = [];
  const bareKeepUpload: number[] = [];
  const bareKeepCpu: number[] = [];
  const bareUpload: number[] = [];
  const rawWrite: number[] = [];
  const download: number[] = [];
  const rawRead: number[] = [];
  for (let round = 0; round < sizes.rounds; round++) {
    progress(`${storage.name}: round ${round + 1} of ${sizes.rounds}`);
    const file = files[round];
    let cpuBefore = mainThreadCpuMs();
    const uploaded = await clients.one({ method: 'PUT', url: url(file), headers: uploader, file: round });
    uploadCpu.push(mainThreadCpuMs() - cpuBefore);
    if (uploaded.status !== 201) throw new Error(`the upload answered ${uploaded.status}`);
    upload.push(mbPerS(uploaded.elapsedMs, file.length));
    // The same bytes again, kept by the store alone: it holds them already, so the copy kept is a later file's.
    const keptFile = files[sizes.rounds + sizes.concurrentClients + round];
    cpuBefore = mainThreadCpuMs();
    const keptBare = await clients.one({ method: 'PUT', url: `${bareKeep.url}/${sha256Of(keptFile)}`, headers: {}, file: sizes.rounds + sizes.concurrentClients + round });
    bareKeepCpu.push(mainThreadCpuMs() - cpuBefore);
    if (keptBare.status !== 201) throw new Error(`the store's keep behind a bare server answered ${keptBare.status}`);
    bareKeepUpload.push(mbPerS(keptBare.elapsedMs, keptFile.length));
    rawWrite.push(mbPerS(await timed(() => storage.rawWrite(file)), file.length));
    const sentBare = await clients.one({ method: 'PUT', url: bare.url, headers: {}, file: round });
    bareUpload.push(mbPerS(sentBare.elapsedMs, file.length));
    const downloaded = await clients.one({ method: 'GET', url: url(file), headers: reader });
    if (downloaded.bytes !== file.length) throw new Error(`the download gave ${downloaded.bytes} bytes of ${file.length}`);
    download.push(mbPerS(downloaded.elapsedMs, file.length));
    rawRead.push(mbPerS(await timed(() => storage.rawRead()), file.length));
  }
  await bare.close();
  await bareKeep.close();
  const bareKeepRatios = bareKeepUpload.map((rate, i) => rate / rawWrite[i]);
  const ratios = upload.map((rate, i) => rate / rawWrite[i]);
  const bareRatios = upload.map((rate, i) => rate / bareUpload[i]);
  const downloadRatios = download.map((rate, i) => rate / rawRead[i]);

  progress(`${storage.name}: ${sizes.concurrentClients} clients upload ${sizes.fileMb} MB each at once`);
  const concurrent = files.map((file, index) => ({ file, index })).slice(sizes.rounds, sizes.rounds + sizes.concurrentClients);
  const before = sampleMemory();
  let peakRss = before.rssMb;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss / MB)), 20);
  const { results: answers, elapsedMs: elapsed } = await clients.run(concurrent.map(({ file, index }) => ({ method: 'PUT', url: url(file), headers: uploader, file: index })));
  clearInterval(sampler);
  if (answers.some((answer) => answer.status !== 201)) throw new Error(`uploads answered ${answers.map((a) => a.status).join(', ')}`);
  const growth = peakRss - before.rssMb;
  const totalMb = (concurrent.length * bytes) / MB;

  const prefix = `documents.${storage.name}`;
  const figures: Record<string, number> = {
    [`${prefix}.upload_mb_per_s`]: median(upload),
    [`${prefix}.raw_write_mb_per_s`]: median(rawWrite),
    [`${prefix}.upload_ratio`]: median(ratios),
    [`${prefix}.bare_http_upload_mb_per_s`]: median(bareUpload),
    [`${prefix}.upload_http_ratio`]: median(bareRatios),
    [`${prefix}.bare_keep_upload_mb_per_s`]: median(bareKeepUpload),
    [`${prefix}.bare_keep_ratio`]: median(bareKeepRatios),
    [`${prefix}.upload_main_thread_cpu_ms`]: median(uploadCpu),
    [`${prefix}.bare_keep_main_thread_cpu_ms`]: median(bareKeepCpu),
    [`${prefix}.download_mb_per_s`]: median(download),
    [`${prefix}.download_ratio`]: median(downloadRatios),
    [`${prefix}.upload${sizes.concurrentClients}_mb_per_s`]: totalMb / (elapsed / 1000),
    [`${prefix}.upload${sizes.concurrentClients}_rss_growth_mb`]: growth,
  };
  const rows: Cell[][] = [
    [storage.label, `upload ${sizes.fileMb} MB (HTTP, checked, durable)`, fixed(median(upload), 1), `raw write + fsync: ${fixed(median(rawWrite), 1)}`, `${fixed(median(ratios), 2)}×`, '≥ 0.5×'],
    [storage.label, `upload ${sizes.fileMb} MB, beside a bare HTTP PUT to a file`, fixed(median(upload), 1), `bare Node HTTP + write + fsync: ${fixed(median(bareUpload), 1)}`, `${fixed(median(bareRatios), 2)}×`, ''],
    [storage.label, `the store's keep alone behind a bare HTTP server`, fixed(median(bareKeepUpload), 1), `raw write + fsync: ${fixed(median(rawWrite), 1)}`, `${fixed(median(bareKeepRatios), 2)}×`, ''],
    [
      storage.label,
      `server main thread CPU per ${sizes.fileMb} MB upload, ms`,
      fixed(median(uploadCpu), 1),
      `the store's keep alone: ${fixed(median(bareKeepCpu), 1)}`,
      '',
      '',
    ],
    [storage.label, `download ${sizes.fileMb} MB (HTTP, hash-checked)`, fixed(median(download), 1), `raw read: ${fixed(median(rawRead), 1)}`, `${fixed(median(downloadRatios), 2)}×`, ''],
    [
      storage.label,
      `${sizes.concurrentClients} clients × ${sizes.fileMb} MB at once`,
      fixed(totalMb / (elapsed / 1000), 1),
      `peak RSS +${fixed(growth, 1)} MB over ${fixed(before.rssMb, 0)} MB`,
      '',
      `flat (≪ ${fixed(totalMb, 0)} MB)`,
    ],
  ];
  return { rows, figures };
}

async function documentsBenchmark(options: BenchOptions): Promise<BenchResult> {
  const sizes = options.large ? LARGE_SIZES : DEFAULT_SIZES;
  const results: { rows: Cell[][]; figures: Record<string, number> }[] = [];
  const clients = new Clients();
  try {
    const files = await filesStorage(join(options.dataDir, 'files'));
    try {
      results.push(await measure(files, sizes, clients));
    } finally {
      await files.close();
    }
    progress('starting a private PostgreSQL server');
    const server = await startPrivatePostgres();
    try {
      const storage = await postgresStorage(await server.createDatabase('sinergi_documents_bench'), join(options.dataDir, 'postgres'));
      try {
        results.push(await measure(storage, sizes, clients));
      } finally {
        await storage.close();
      }
    } finally {
      await server.stop();
    }
  } finally {
    await clients.close();
  }
  const figures: Record<string, number> = Object.assign({}, ...results.map((r) => r.figures));
  // The headline figures are the embedded store's, the default.
  for (const name of ['upload_mb_per_s', 'download_mb_per_s', 'upload_ratio']) figures[`documents.${name}`] = figures[`documents.files.${name}`];
  return {
    title: `documents: upload and download through the API on both stores, ${options.large ? 'large' : 'default'} sizes`,
    rows: [['store', 'measure', 'MB/s', 'ceiling MB/s', 'ratio', 'goal'], ...results.flatMap((r) => r.rows)],
    figures,
    notes: [
      `${sizes.rounds} rounds of one ${sizes.fileMb} MB PDF each; a ratio is the median over rounds of our rate / the raw rate of the same ` +
        'bytes in that round. Ours: HTTP PUT streamed through the size limit and the type check, hashed, written to a temporary ' +
        'file, flushed, renamed and its directory flushed (files), or chunks of 256 KB in one transaction (PostgreSQL); then the ' +
        'upload is recorded as an event. Raw: the same bytes written and flushed to one file, or inserted as one bytea row.',
      'The store alone: the same kind of file sent to a bare Node HTTP server whose only work is the store\'s keep (hash, ' +
        'write, flush, rename, flush of the folder), without token, checks or event. CPU per upload: the server\'s main thread ' +
        'only (Linux scheduler statistics), the thread that receives the bytes; hashing runs on a thread of its own.',
      'The clients run in a worker thread (http-transfer.worker.ts), so that their sending does not take the server\'s ' +
        'event loop; they read the files from memory shared with the server\'s thread, filled before the memory baseline ' +
        'is taken. The process\'s RSS counts both threads: the growth is what the uploads in flight needed on both sides.',
    ],
  };
}

runBenchmark(documentsBenchmark);
