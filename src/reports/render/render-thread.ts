import { extname, join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { SemesterReport } from '../domain/semester-report';

let queue: Promise<unknown> = Promise.resolve();

/**
 * Lays out a PDF or workbook in a worker thread: a large report takes seconds of CPU, which on the server's own
 * thread would hold up every other request. One render runs at a time; the others wait their turn.
 */
export function renderOffThread(report: SemesterReport, format: 'pdf' | 'xlsx'): Promise<Buffer> {
  const next = queue.then(() => renderInWorker(report, format));
  queue = next.catch(() => undefined);
  return next;
}

function renderInWorker(report: SemesterReport, format: 'pdf' | 'xlsx'): Promise<Buffer> {
  const entry = join(__dirname, `report-render.worker${extname(__filename)}`);
  // From the TypeScript sources (tests, benchmarks) the thread compiles them as the tests do; built, it runs JavaScript.
  const execArgv = entry.endsWith('.ts') ? ['--require', resolve(__dirname, '../../../test/support/swc-register.js')] : [];
  return new Promise((done, fail) => {
    const worker = new Worker(entry, { workerData: { report, format }, execArgv });
    let file: Buffer | undefined;
    worker.once('message', (bytes: Uint8Array) => (file = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)));
    worker.once('error', fail);
    worker.once('exit', (code) => (file ? done(file) : fail(new Error(`the report thread ended (code ${code}) without a file`))));
  });
}
