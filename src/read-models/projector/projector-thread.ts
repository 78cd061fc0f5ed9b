import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';
import { Logger } from '@nestjs/common';
import type { EventStoreSelection } from '../../infrastructure/event-store-adapters';
import type { ReadModelStoreSelection } from '../read-models.config';
import { startThread } from '../../core/thread';

/** What the thread needs to open both stores itself. */
export interface ProjectorThreadSettings {
  dataDir: string;
  eventStore: EventStoreSelection;
  readModels: ReadModelStoreSelection;
}

/** What the thread tells the server. */
export type ProjectorThreadMessage =
  | { type: 'log'; level: 'log' | 'error'; message: string }
  | { type: 'failing'; lastError: { at: string; message: string } | undefined };

const RESTART_DELAY_MS = 1_000;
const STOP_TIMEOUT_MS = 10_000;

/**
 * The server's projector, on a thread of its own: it folds events into the read models on a core the API's event
 * loop does not need, with its own connections to the event store and the read-model store. The server reads the
 * registry itself (status, caught up); the thread tells it what it logs and whether it is failing. A thread that
 * dies is started again.
 */
export class ProjectorThread {
  private readonly logger = new Logger('Projections');
  private worker: Worker | undefined;
  private stopping = false;
  private failure: { at: Date; message: string } | undefined;
  private restart: NodeJS.Timeout | undefined;

  constructor(private readonly settings: ProjectorThreadSettings) {}

  /** The running thread's id; undefined while none runs. */
  get threadId(): number | undefined {
    return this.worker?.threadId;
  }

  /** The projector's last failure, until it succeeds again. */
  get lastError(): { at: Date; message: string } | undefined {
    return this.failure;
  }

  start(): void {
    if (this.worker || this.stopping) return;
    const worker = startThread(__filename, 'projector.worker', { workerData: this.settings });
    this.worker = worker;
    worker.on('message', (message: ProjectorThreadMessage) => this.receive(message));
    worker.on('error', (error) => {
      this.failure = { at: new Date(), message: `the projector thread failed: ${error.message}` };
      this.logger.error(this.failure.message);
    });
    worker.on('exit', () => {
      this.worker = undefined;
      if (this.stopping) return;
      this.logger.error(`the projector thread stopped; starting it again in ${RESTART_DELAY_MS} ms`);
      this.restart = setTimeout(() => this.start(), RESTART_DELAY_MS);
    });
  }

  /** Asks the thread to finish its batch and close its stores; ends it after a while if it does not. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restart);
    const worker = this.worker;
    if (!worker) return;
    const exited = once(worker, 'exit');
    worker.postMessage({ type: 'stop' });
    const timeout = setTimeout(() => void worker.terminate(), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timeout);
  }

  private receive(message: ProjectorThreadMessage): void {
    switch (message.type) {
      case 'log':
        if (message.level === 'error') this.logger.error(message.message);
        else this.logger.log(message.message);
        break;
      case 'failing':
        this.failure = message.lastError && { at: new Date(message.lastError.at), message: message.lastError.message };
        break;
    }
  }
}
