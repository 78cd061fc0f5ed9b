import { createHash } from 'node:crypto';
import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import type { ImportRow, RowProblem } from './import-rows';
import { checkContent, type FileRule, ImportFileRejected, type SpreadsheetFormat, type SpreadsheetLimits, spreadsheetFormatOf } from './spreadsheet';
import { startThread } from '../core/thread';

/** What is read: the file, its name (each row's source names it) and the limits it is checked against. */
export interface RegisterToRead {
  content: Uint8Array;
  fileName: string;
  limits: SpreadsheetLimits;
}

/** What the thread is given: the file, with its format and digest (found before the thread starts). */
export interface RegisterOnThread extends RegisterToRead {
  format: SpreadsheetFormat;
  fileSha256: string;
}

/** A reading given to the thread: the register, and the port the reading is told over. */
export interface ReadingOrder {
  register: RegisterOnThread;
  reply: MessagePort;
}

/**
 * What the importing thread tells a reading on its port: a batch was taken (one more may be read), or the reading
 * is over. The stop is a message, not only the port's closing: a port closed before the thread came to its reading
 * (the thread still winding down the one before) never tells the thread it closed, while its messages still arrive.
 */
export type ReadingSignal = 'more' | 'stop';

/** The file as checked before any row is read. */
export interface CheckedRegister {
  format: SpreadsheetFormat;
  /** About how many data rows it has (for progress). */
  rowsEstimate: number;
  fileSha256: string;
}

/** One data row, read and checked alone: the command that records it, or what is wrong with it. */
export interface RowRead {
  parsed?: ImportRow;
  problems: RowProblem[];
}

/**
 * What the thread tells, in this order: batches of rows, the end; or why it stopped. A batch comes as JSON text, read
 * only when it is taken: until then it is one string to the collector, not hundreds of objects kept alive long enough
 * to be moved to the old generation.
 */
export type RegisterMessage =
  | { rows: string }
  | { end: true }
  | { rejected: { rule: FileRule; message: string } }
  | { failed: string };

/**
 * Rows the thread sends at once, and batches it reads ahead of the rows taken: what a reading holds in memory (512
 * rows). Eight batches ahead rather than two, the importing thread no longer waits for rows while the reading thread
 * is held up on its core: 10,000 rows import in 1.5–1.7 s instead of 1.6–2.1 s.
 */
export const ROWS_PER_BATCH = 64;
export const BATCHES_AHEAD = 8;

/** How long the reading thread waits for the next import before it ends and gives its memory back. */
const IDLE_MS = 60_000;

/**
 * The threads registers are read on. The thread stays a minute after its last reading (as the report thread does),
 * so that the next import finds the reading code loaded and compiled rather than starts a thread and compiles it
 * again; imports at the same time each get a thread of their own, and one is kept. It never keeps the process alive
 * while idle.
 */
export class ReadingThreads {
  private idle: { worker: Worker; ending: NodeJS.Timeout } | undefined;
  private readonly ended = new WeakSet<Worker>();

  take(): Worker {
    const kept = this.idle;
    this.idle = undefined;
    if (kept) {
      clearTimeout(kept.ending);
      return kept.worker;
    }
    const worker = startThread(__filename, 'register-reader.worker');
    worker.on('exit', () => this.ended.add(worker));
    // A thread that failed to start is reported by its reading (the port closes).
    worker.on('error', () => undefined);
    worker.unref();
    return worker;
  }

  giveBack(worker: Worker): void {
    if (this.ended.has(worker)) return;
    if (this.idle) {
      void worker.terminate();
      return;
    }
    this.idle = { worker, ending: setTimeout(() => void this.end(worker), IDLE_MS).unref() };
  }

  /** Ends the kept thread (the application's shutdown). */
  async close(): Promise<void> {
    const kept = this.idle;
    if (kept) await this.end(kept.worker);
  }

  private async end(worker: Worker): Promise<void> {
    if (this.idle?.worker === worker) {
      clearTimeout(this.idle.ending);
      this.idle = undefined;
    }
    await worker.terminate();
  }
}

/**
 * A spreadsheet read on a thread of its own (unzipped, parsed, each row checked and its regions found by name), so
 * that the file is read while the rows before are decided and written on the importing thread: the two share the
 * machine's cores rather than take turns on one. The thread reads at most `BATCHES_AHEAD` batches ahead of what is
 * taken, so memory follows the batch, not the file. The reading ends with the file, or when it is closed.
 *
 * The file is checked as a whole (its archive, its formulas) here, on the importing thread, while the thread reads
 * the first rows: no row is taken before the check has passed, and the first rows are ready when it has.
 */
export class RegisterReading {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly check: Promise<CheckedRegister>;
  private readonly inbox: RegisterMessage[] = [];
  private arrived: (() => void) | undefined;
  private finished = false;

  /** Refuses at once (ImportFileRejected) a file that is empty, over the limit, or no spreadsheet. */
  constructor(
    { content, fileName, limits }: RegisterToRead,
    private readonly threads: ReadingThreads,
  ) {
    const file = Buffer.from(content.buffer, content.byteOffset, content.byteLength);
    const format = spreadsheetFormatOf(file, limits);
    const fileSha256 = createHash('sha256').update(file).digest('hex');
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.port.on('message', (message: RegisterMessage) => this.receive(message));
    // The thread closes the port after the end, or when it stops or fails: a close before the end is a failure.
    this.port.on('close', () => this.receive({ failed: 'the reading thread ended before the end of the file' }));
    this.worker = threads.take();
    const order: ReadingOrder = { register: { content, fileName, limits, format, fileSha256 }, reply: port2 };
    this.worker.postMessage(order, [port2]);
    this.check = checkContent(file, format, limits).then((rowsEstimate) => ({ format, rowsEstimate, fileSha256 }));
    // Refused or not, the check is awaited by `checked`; a reading closed before that leaves no rejection unhandled.
    this.check.catch(() => undefined);
  }

  /** The file's check: refused as a whole (ImportFileRejected), or its format, size and digest. */
  checked(): Promise<CheckedRegister> {
    return this.check;
  }

  /** The data rows, in the file's order, once the file's check has passed. */
  async *rows(): AsyncGenerator<RowRead> {
    await this.check;
    for (;;) {
      const message = await this.next();
      if ('end' in message) return;
      if (!('rows' in message)) throw this.failure(message);
      // The thread reads the next batch while these are taken.
      this.port.postMessage('more' satisfies ReadingSignal);
      yield* JSON.parse(message.rows) as RowRead[];
    }
  }

  /** Ends the reading, wherever it is, and gives the thread back for the next one. */
  async close(): Promise<void> {
    this.finished = true;
    this.port.postMessage('stop' satisfies ReadingSignal);
    this.port.close();
    this.threads.giveBack(this.worker);
  }

  private receive(message: RegisterMessage): void {
    if (this.finished) return;
    if ('end' in message || 'rejected' in message || 'failed' in message) this.finished = true;
    this.inbox.push(message);
    this.arrived?.();
  }

  private async next(): Promise<RegisterMessage> {
    while (this.inbox.length === 0) await new Promise<void>((resolve) => (this.arrived = resolve));
    this.arrived = undefined;
    return this.inbox.shift() as RegisterMessage;
  }

  private failure(message: RegisterMessage): Error {
    if ('rejected' in message) return new ImportFileRejected(message.rejected.rule, message.rejected.message);
    if ('failed' in message) return new Error(`the spreadsheet could not be read: ${message.failed}`);
    return new Error(`the spreadsheet's reading thread answered out of order: ${Object.keys(message).join(', ')}`);
  }
}
