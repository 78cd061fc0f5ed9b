import { parentPort, workerData } from 'node:worker_threads';
import type { SemesterReport } from '../domain/semester-report';
import { reportPdf } from './report-pdf';
import { reportXlsx } from './report-xlsx';

/** Renders one report in a thread of its own and hands back its bytes. */
const { report, format } = workerData as { report: SemesterReport; format: 'pdf' | 'xlsx' };
(format === 'pdf' ? reportPdf(report) : reportXlsx(report)).then(
  (file) => {
    const bytes = new Uint8Array(file);
    parentPort?.postMessage(bytes, [bytes.buffer]);
  },
  (error: unknown) => {
    throw error;
  },
);
