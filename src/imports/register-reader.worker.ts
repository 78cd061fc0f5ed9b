import { type MessagePort, parentPort } from 'node:worker_threads';
import { RegionDirectory } from '../regions/domain/region-directory';
import { RegionNames } from '../regions/region-names';
import { readImportRow } from './import-rows';
import { BATCHES_AHEAD, type ReadingOrder, type ReadingSignal, type RegisterMessage, type RegisterOnThread, ROWS_PER_BATCH, type RowRead } from './register-reading';
import { ImportFileRejected, readRows } from './spreadsheet';

/** The official names, loaded once for every reading of this thread. */
let names: RegionNames | undefined;

/** Reads one spreadsheet for RegisterReading (register-reading.ts). */
async function read({ content, fileName, limits, format, fileSha256 }: RegisterOnThread, tell: (message: RegisterMessage) => Promise<void>): Promise<void> {
  const file = Buffer.from(content.buffer, content.byteOffset, content.byteLength);
  names ??= new RegionNames(RegionDirectory.load());
  const regions = names;
  const source = (row: number) => ({ kind: 'spreadsheet' as const, fileName, fileSha256, row });
  let batch: RowRead[] = [];
  for await (const sheetRow of readRows(file, format, limits)) {
    batch.push(readImportRow(sheetRow, regions, source));
    if (batch.length < ROWS_PER_BATCH) continue;
    await tell({ rows: JSON.stringify(batch) });
    batch = [];
  }
  if (batch.length > 0) await tell({ rows: JSON.stringify(batch) });
  await tell({ end: true });
}

/** The reading was closed by the importing thread: it stops where it is. */
class ReadingClosed extends Error {}

/**
 * One reading, told over its own port: each batch taken there lets one more be read, so the thread stays at most
 * `BATCHES_AHEAD` batches ahead; once the importing thread stops it (or its port closes), the reading stops.
 */
async function readOver({ register, reply }: ReadingOrder): Promise<void> {
  let credits = BATCHES_AHEAD;
  let closed = false;
  let wake: (() => void) | undefined;
  const stop = () => {
    closed = true;
    wake?.();
  };
  reply.on('message', (signal: ReadingSignal) => {
    if (signal === 'stop') return stop();
    credits++;
    wake?.();
  });
  reply.on('close', stop);
  const tell = async (message: RegisterMessage): Promise<void> => {
    if ('rows' in message) {
      while (credits === 0 && !closed) await new Promise<void>((resolve) => (wake = resolve));
      credits--;
    }
    if (closed) throw new ReadingClosed();
    reply.postMessage(message);
  };
  try {
    await read(register, tell);
  } catch (error) {
    if (!closed) reply.postMessage(failureOf(error));
  } finally {
    reply.close();
  }
}

const failureOf = (error: unknown): RegisterMessage =>
  error instanceof ImportFileRejected
    ? { rejected: { rule: error.rule, message: error.message } }
    : { failed: error instanceof Error ? (error.stack ?? error.message) : String(error) };

const port: MessagePort | null = parentPort;
if (port) {
  // One reading at a time, in the order they were given; whatever became of one (its port is closed by then, which
  // its importer hears), the next is read.
  let readings = Promise.resolve();
  port.on('message', (order: ReadingOrder) => {
    readings = readings.then(() => readOver(order)).catch(() => undefined);
  });
}
