import type { NewEvent } from '../core/event';
import type { AppendResult, EventStoreCounter, ExpectedRevision } from '../core/event-store.port';
import type { TraceContext } from '../core/tracing.port';
import { tracing } from '../core/tracing';

/** One append waiting for the next group. */
export interface QueuedAppend {
  streamId: string;
  events: NewEvent[];
  expected: ExpectedRevision;
  idempotencyKey: string | undefined;
}

export type AppendOutcome = { ok: true; result: AppendResult } | { ok: false; error: unknown };

/** What a store's commit of one group decided: an outcome per append, in order, and how many events it wrote. */
export interface CommittedGroup {
  outcomes: AppendOutcome[];
  written: number;
}

export interface GroupCommitStats {
  /** Durable transactions committed: one per group of appends that arrived together. */
  commits: number;
  appends: number;
  events: number;
}

interface PendingAppend {
  append: QueuedAppend;
  /** Where the append was asked for: its commit's span is a child of the first append's, linked to the others. */
  trace: TraceContext;
  resolve(result: AppendResult): void;
  reject(error: unknown): void;
}

/**
 * Group commit, as the stores do it: one group commits at a time, and the appends that arrive meanwhile (or in the
 * same tick as the first) make up the next group, so a durable commit is paid once per group. Each append of a group
 * gets its own outcome and fails alone. Nothing is acknowledged before its group has committed: a replayed key may
 * point at an append of that very group.
 */
export class GroupCommit {
  private queue: PendingAppend[] = [];
  private writing: Promise<void> | undefined;
  private readonly counts: GroupCommitStats = { commits: 0, appends: 0, events: 0 };
  private closed = false;

  /**
   * `commit` writes a group in one durable transaction; it rejects only when the whole group failed.
   * `onWritten` runs after a commit that wrote events, with the streams it wrote them to.
   */
  constructor(
    private readonly commit: (group: readonly QueuedAppend[]) => Promise<CommittedGroup>,
    private readonly onWritten: (streams: readonly string[]) => void,
  ) {}

  get stats(): Readonly<GroupCommitStats> {
    return { ...this.counts };
  }

  /** The stats as /metrics counters (appends per commit: rate of appends over rate of commits). */
  counters(): EventStoreCounter[] {
    return [
      { name: 'sinergi_event_store_commits_total', help: 'Durable commits of this process (one per group of appends)', read: () => this.counts.commits },
      { name: 'sinergi_event_store_appends_total', help: 'Appends committed by this process', read: () => this.counts.appends },
      { name: 'sinergi_event_store_events_total', help: 'Events written by this process', read: () => this.counts.events },
    ];
  }


  append(append: QueuedAppend): Promise<AppendResult> {
    if (this.closed) return Promise.reject(new Error('the event store is closed'));
    return new Promise((resolve, reject) => {
      this.queue.push({ append, trace: tracing().current(), resolve, reject });
      this.writing ??= this.writeQueued();
    });
  }

  /** Refuses new appends; resolves once every queued one has committed or failed. */
  async close(): Promise<void> {
    this.closed = true;
    await this.writing;
  }

  private async writeQueued(): Promise<void> {
    // Let the appends made in the same tick join the first group.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.queue.length > 0) {
      const group = this.queue;
      this.queue = [];
      await this.commitGroup(group);
    }
    this.writing = undefined;
  }

  private async commitGroup(group: PendingAppend[]): Promise<void> {
    let committed: CommittedGroup;
    try {
      committed = await tracing().inSpan(
        'event-store commit',
        { 'sinergi.appends': group.length },
        async (span) => {
          const result = await this.commit(group.map((pending) => pending.append));
          span.setAttributes({ 'sinergi.events': result.written });
          return result;
        },
        { parent: group[0].trace, links: group.slice(1).map((pending) => pending.trace) },
      );
    } catch (error) {
      for (const pending of group) pending.reject(error);
      return;
    }
    const { outcomes, written } = committed;
    this.counts.commits++;
    this.counts.events += written;
    outcomes.forEach((outcome, i) => {
      if (outcome.ok) {
        this.counts.appends++;
        group[i].resolve(outcome.result);
      } else {
        group[i].reject(outcome.error);
      }
    });
    if (written > 0) this.onWritten(group.filter((pending, i) => outcomes[i].ok && pending.append.events.length > 0).map((pending) => pending.append.streamId));
  }
}
