import { parentPort, workerData } from 'node:worker_threads';
import { RegionDirectory } from '../regions/domain/region-directory';
import { RegionNames } from '../regions/region-names';
import { readImportRow } from './import-rows';
import { BATCHES_AHEAD, type RegisterMessage, type RegisterOnThread, ROWS_PER_BATCH, type RowRead } from './register-reading';
import { ImportFileRejected, readRows } from './spreadsheet';

/** Reads one spreadsheet for RegisterReading (register-reading.ts), then ends. */
async function read({ content, fileName, limits, format, fileSha256 }: RegisterOnThread, tell: (message: RegisterMessage) => Promise<void>): Promise<void> {
  const file = Buffer.from(content.buffer, content.byteOffset, content.byteLength);
  const names = new RegionNames(RegionDirectory.load());
  const source = (row: number) => ({ kind: 'spreadsheet' as const, fileName, fileSha256, row });
  let batch: RowRead[] = [];
  for await (const sheetRow of readRows(file, format, limits)) {
    batch.push(readImportRow(sheetRow, names, source));
    if (batch.length < ROWS_PER_BATCH) continue;
    await tell({ rows: batch });
    batch = [];
  }
  if (batch.length > 0) await tell({ rows: batch });
  await tell({ end: true });
}

const port = parentPort;
if (port) {
  // Each batch taken lets one more be read: the thread stays at most BATCHES_AHEAD batches ahead.
  let credits = BATCHES_AHEAD;
  let wake: (() => void) | undefined;
  port.on('message', () => {
    credits++;
    wake?.();
  });
  const tell = async (message: RegisterMessage): Promise<void> => {
    if ('rows' in message) {
      while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
      credits--;
    }
    port.postMessage(message);
  };
  read(workerData as RegisterOnThread, tell).then(
    () => port.close(),
    (error: unknown) => {
      port.postMessage(
        error instanceof ImportFileRejected
          ? ({ rejected: { rule: error.rule, message: error.message } } satisfies RegisterMessage)
          : ({ failed: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies RegisterMessage),
      );
      port.close();
    },
  );
}
