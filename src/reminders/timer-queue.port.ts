/** One timer: a job to run once `fireAt` (milliseconds, by the application's clock) has come. */
export interface Timer<Data = unknown> {
  id: string;
  /** What the worker does with it: `remind`, `digest`. */
  name: string;
  data: Data;
  fireAt: number;
}

/** Whether a timer was taken up by a worker: still waiting, running, or done (completed or failed for good). */
export type TimerState = 'waiting' | 'running' | 'done';

/**
 * The reminders' port to the timers they schedule (BullMQ in production, in memory in fast specs). Times are the
 * application's clock: the adapter alone turns them into its own.
 */
export interface TimerQueue {
  /** Adds the timers; one whose id is held already is left as it is. */
  schedule(timers: readonly Timer[]): Promise<void>;
  /** Removes the waiting timers of these ids; an id not held is ignored. */
  cancel(ids: readonly string[]): Promise<void>;
  /** Makes a waiting timer fire at `fireAt` instead; nothing when it is no longer waiting. */
  move(id: string, fireAt: number): Promise<void>;
  /** The timers still waiting, by id, with the time each fires at. */
  waiting(): Promise<Map<string, number>>;
  /** Runs these timers now if they are still waiting: the application's clock says they are due. */
  release(ids: readonly string[]): Promise<void>;
  /** Where the timer of this id is; undefined when none is held. */
  stateOf(id: string): Promise<TimerState | undefined>;
  /** Whether the queue can be reached now. */
  readonly reachable: boolean;
  /** Tells `listener` each time the queue becomes reachable, and why it is lost when it is. */
  watch(listener: { up(): void; down(error: unknown): void }): void;
  /** Connects (a lost connection is taken up again by the adapter). */
  open(): void;
  close(): Promise<void>;
}
