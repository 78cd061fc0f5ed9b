import type { AnyProjection } from '../../../projections/projection';
import type { RecordedEvent } from '../../core/event';
import type { EventStore, Subscription } from '../../core/event-store.port';
import { tracing } from '../../core/tracing';
import { applyEvents, checkpointsUnchanged, commitTargets, type Target, targetOf } from './batch';
import { GenerationWriter } from './generation-writer';
import { type Generation, generationOf, type GenerationRegistry, tablesOf } from '../storage/generation-registry';

const MAX_RETRY_DELAY_MS = 30_000;

export interface LiveProjectionsOptions {
  /** Most events per transaction. */
  batchSize?: number;
  /**
   * How long events gather before they are committed together. The read models lag by that much at most, and
   * a burst of commands costs one read-model transaction instead of one each, on the thread that runs them.
   */
  gatherMs?: number;
  /**
   * Wait before reading again after a batch that met another process's lock, and between looks for a first live
   * generation; after a failed batch, doubling with each failure in a row.
   */
  retryDelayMs?: number;
  /** Called after each committed batch with the position it reached. */
  onCommit?: (position: number) => void;
  onError?: (error: unknown) => void;
}

/**
 * Keeps the live generations up to date: catches up from their checkpoints with `readAll`, then follows the
 * store's subscription, committing the events that arrive together as one batch.
 *
 * Which generations are live is read from the registry for every batch, and checked again under the write lock
 * when it commits, so a rebuild that switches a generation live (in this process or another) is followed from its
 * next batch on, and a second runner on the same store (another process, another API node) never applies an event
 * twice. A live generation built by another version of its projection is left alone (it keeps serving, frozen)
 * until its rebuild replaces it.
 */
export class LiveProjections {
  /** Writers by projection, each for one generation: a generation switched live gets a writer of its own. */
  private readonly writers = new Map<string, GenerationWriter>();
  private readonly batchSize: number;
  private readonly retryDelayMs: number;
  private stopped = false;
  private interrupt: (() => void) | undefined;
  private running: Promise<void> | undefined;
  private failure: { at: Date; message: string } | undefined;
  /** Failed batches in a row. */
  private failures = 0;

  constructor(
    private readonly store: GenerationRegistry,
    private readonly events: EventStore,
    private readonly projections: readonly AnyProjection[],
    private readonly options: LiveProjectionsOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 2000;
    this.retryDelayMs = options.retryDelayMs ?? 100;
  }

  /** The last batch that failed for another reason than another process's lock, until a batch succeeds again. */
  get lastError(): { at: Date; message: string } | undefined {
    return this.failure;
  }

  start(): void {
    this.running ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.interrupt?.();
    await this.running;
  }

  /** The live generations of this code's versions, among the registry's generations. */
  private liveOf(generations: readonly Generation[]): Generation[] {
    return this.projections.flatMap((projection) => {
      const live = generationOf(generations, projection.name, 'live');
      return live && live.version === projection.version ? [live] : [];
    });
  }

  private targetsOf(generations: readonly Generation[]): Target[] {
    return this.liveOf(generations).map((live) => targetOf(live, this.writerOf(live)));
  }

  private writerOf(generation: Generation): GenerationWriter {
    const projection = this.projections.find((p) => p.name === generation.projection) as AnyProjection;
    const tables = tablesOf(projection, generation.generation);
    let writer = this.writers.get(projection.name);
    if (writer?.tables.main !== tables.main) {
      writer = new GenerationWriter(projection, tables);
      this.writers.set(projection.name, writer);
    }
    return writer;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        const checkpoints = this.liveOf(await this.store.generations()).map((g) => g.checkpoint);
        if (checkpoints.length === 0) {
          await this.sleep(this.retryDelayMs);
          continue;
        }
        const position = await this.catchUp(Math.min(...checkpoints));
        if (position !== undefined) await this.follow(position);
      } catch (error) {
        if (this.store.database.isTransient(error)) {
          await this.sleep(this.retryDelayMs);
          continue;
        }
        this.failure = { at: new Date(), message: error instanceof Error ? error.message : String(error) };
        this.options.onError?.(error);
        // A batch that fails again and again (a projection's bug) is retried less and less often.
        await this.sleep(Math.min(this.retryDelayMs * 2 ** this.failures++, MAX_RETRY_DELAY_MS));
      }
    }
  }

  /** Reads in batches until the end of the store; undefined when the reader must go back to the checkpoints. */
  private async catchUp(from: number): Promise<number | undefined> {
    let position = from;
    while (!this.stopped) {
      const events = await this.events.readAll(position, this.batchSize);
      if (events.length === 0) return position;
      if (!(await this.commit(events))) return undefined;
      position = events[events.length - 1].position;
      if (events.length < this.batchSize) return position;
    }
    return undefined;
  }

  /**
   * Follows the subscription until stopped, sent back, or failing. Batches commit one after the other: events
   * that arrive meanwhile gather for the next one, and a full batch waits for the one before it.
   */
  private follow(from: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let buffer: RecordedEvent[] = [];
      let scheduled: NodeJS.Timeout | undefined;
      let subscription: Subscription | undefined;
      let committing: Promise<void> = Promise.resolve();
      let done = false;
      const finish = (error?: unknown): void => {
        if (done) return;
        done = true;
        this.interrupt = undefined;
        if (scheduled) clearTimeout(scheduled);
        // The batch being committed ends first: stopping must not close the store under it.
        void Promise.all([subscription?.close(), committing]).then(() => (error === undefined ? resolve() : reject(error)));
      };
      const flush = (): Promise<void> => {
        if (scheduled) clearTimeout(scheduled);
        scheduled = undefined;
        committing = committing.then(async () => {
          const events = buffer;
          buffer = [];
          if (done || events.length === 0) return;
          try {
            if (!(await this.commit(events))) finish();
          } catch (error) {
            finish(error);
          }
        });
        return committing;
      };
      this.interrupt = () => finish();
      if (this.stopped) return finish();
      subscription = this.events.subscribe(
        from,
        (event) => {
          if (done) return;
          buffer.push(event);
          if (buffer.length >= this.batchSize) return flush();
          scheduled ??= setTimeout(() => void flush(), this.options.gatherMs ?? 10);
        },
        (error) => finish(error),
      );
    });
  }

  /**
   * One batch: applied to the live generations as the registry shows them now (their documents read in the same
   * snapshot), committed unless the registry changed meanwhile (a rebuild switched a generation live, another
   * runner committed). False: read again.
   */
  private commit(events: readonly RecordedEvent[]): Promise<boolean> {
    const positions = { 'sinergi.events': events.length, 'sinergi.position.first': events[0].position, 'sinergi.position.last': events[events.length - 1].position };
    // A trace of its own: the batch follows the log, not the request whose commit happened to wake it.
    return tracing().inSpan(
      'projector batch',
      positions,
      async (span) => {
        const committed = await this.commitBatch(events);
        span.setAttributes({ 'sinergi.committed': committed });
        return committed;
      },
      { root: true },
    );
  }

  private async commitBatch(events: readonly RecordedEvent[]): Promise<boolean> {
    let committed: boolean;
    try {
      let targets: Target[] = [];
      committed =
        (await this.store.database.read(async (session) => {
          targets = this.targetsOf(await this.store.generations(session));
          return applyEvents(session, targets, events);
        })) &&
        (await commitTargets(this.store, targets, async (session) => {
          const generations = await this.store.generations(session);
          return checkpointsUnchanged(generations, targets) && this.liveOf(generations).length === targets.length;
        }));
    } catch (error) {
      // Failed, or to be tried again, the batch is read again from the checkpoints: nothing of it may stay in memory.
      for (const writer of this.writers.values()) writer.forget();
      throw error;
    }
    if (committed) {
      this.failure = undefined;
      this.failures = 0;
      this.options.onCommit?.(events[events.length - 1].position);
    }
    return committed;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.interrupt = done;
    });
  }
}
