import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';
import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { SemesterReport } from '../domain/semester-report';
import { startThread } from '../../core/thread';

/** The formats laid out on the thread. */
export type RenderedFormat = 'pdf' | 'xlsx';

/** What the server asks the thread, and what it answers. */
export interface RenderRequest {
  report: SemesterReport;
  format: RenderedFormat;
}
export type RenderAnswer = { file: Uint8Array } | { error: string };

/** How long the thread waits for the next render before it ends and gives its memory back. */
const IDLE_MS = 60_000;

/**
 * Lays out PDFs and workbooks on a thread of its own: a large report takes about a second of CPU, which on the
 * server's own thread would hold up every other request. One render runs at a time; the others wait their turn.
 * The thread stays a minute after its last render, so that the next one finds pdfkit or exceljs loaded and compiled
 * (loading one costs about half a render), then ends. It never keeps the process alive while idle.
 */
@Injectable()
export class ReportRenderThread implements OnApplicationShutdown {
  private worker: Worker | undefined;
  private idle: NodeJS.Timeout | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  render(report: SemesterReport, format: RenderedFormat): Promise<Buffer> {
    const next = this.queue.then(() => this.renderNow({ report, format }));
    this.queue = next.catch(() => undefined);
    return next;
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.idle);
    await this.worker?.terminate();
  }

  private async renderNow(request: RenderRequest): Promise<Buffer> {
    clearTimeout(this.idle);
    const worker = this.worker ?? this.start();
    worker.ref();
    const listening = new AbortController();
    try {
      const answered = once(worker, 'message', { signal: listening.signal }) as Promise<[RenderAnswer]>;
      const ended = once(worker, 'exit', { signal: listening.signal }).then(([code]): never => {
        throw new Error(`the report thread ended (code ${code}) without a file`);
      });
      worker.postMessage(request);
      const [answer] = await Promise.race([answered, ended]);
      if ('error' in answer) throw new Error(`the report could not be laid out: ${answer.error}`);
      return Buffer.from(answer.file.buffer, answer.file.byteOffset, answer.file.byteLength);
    } finally {
      listening.abort();
      worker.unref();
      this.idle = setTimeout(() => void worker.terminate(), IDLE_MS).unref();
    }
  }

  private start(): Worker {
    const worker = startThread(__filename, 'report-render.worker');
    worker.on('exit', () => {
      if (this.worker === worker) this.worker = undefined;
    });
    return (this.worker = worker);
  }
}
