import { parentPort } from 'node:worker_threads';
import type { RenderAnswer, RenderRequest } from './render-thread';

/**
 * Lays out one report after another for the server. Only the library of the format asked for is loaded (each takes
 * about half a render to load), and it stays loaded for the next report.
 */
async function render({ report, format }: RenderRequest): Promise<Buffer> {
  if (format === 'pdf') {
    const { reportPdf } = require('./report-pdf') as typeof import('./report-pdf');
    return reportPdf(report);
  }
  const { reportXlsx } = require('./report-xlsx') as typeof import('./report-xlsx');
  return reportXlsx(report);
}

parentPort?.on('message', (request: RenderRequest) => {
  render(request).then(
    (file) => {
      const bytes = new Uint8Array(file);
      parentPort?.postMessage({ file: bytes } satisfies RenderAnswer, [bytes.buffer]);
    },
    (error: unknown) => parentPort?.postMessage({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies RenderAnswer),
  );
});
