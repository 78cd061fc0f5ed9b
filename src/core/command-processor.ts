import { randomUUID } from 'node:crypto';
import type { Decider } from './decider';
import { newEventId } from './event-id';
import { DomainError, LifecycleError } from './domain-error';
import { type Actor, type DomainEvent, EVENT_SCHEMA_VERSION, type NewEvent, type RecordedEvent } from './event';
import { type AppendResult, EventStore, WrongExpectedRevision } from './event-store.port';
import { tracing } from './tracing';

/** Everything about a command that is not its data: who, when in the world, and why. */
export interface CommandContext {
  actor: Actor;
  occurredAt: string;
  correlationId: string;
  causationId: string;
  reason?: string;
  idempotencyKey?: string;
  /** What the idempotency key was given for (see EventMetadata); a key given again for another request is refused. */
  requestSha256?: string;
  /**
   * One of many commands writing many streams, most of them new (an import): once no command waits on the stream,
   * its state stays cached only until `bulkKept` other bulk streams have followed it, so that such a write does not
   * fill the cache of states (and the memory) in proportion to its size.
   */
  bulk?: boolean;
}

/** The context of a command that comes with no request of its own (a service call, the CLI, a takeover). */
export function commandContextOf(actor: Actor, at: Date, reason?: string): CommandContext {
  const commandId = randomUUID();
  return { actor, occurredAt: at.toISOString(), correlationId: commandId, causationId: commandId, ...(reason ? { reason } : {}) };
}

export interface CommandResult {
  streamId: string;
  /** Revision of the stream after the command. */
  revision: number;
  position: number;
  /** The events the command recorded (or, for a repeated idempotency key, had recorded). */
  events: { type: string; revision: number; data: unknown }[];
  replayed: boolean;
}

export class IdempotencyKeyReused extends LifecycleError {
  constructor() {
    super('this Idempotency-Key was first used for another request; use a new key for a new command', 'Idempotency-Key');
  }
}

export class ConcurrencyConflict extends LifecycleError {
  constructor(streamId: string, attempts: number) {
    super(`${streamId} kept changing while the command was applied (${attempts} attempts); try again`);
  }
}

/** How a command ended: events appended, a repeated idempotency key answered, a rule refused it, or an error. */
export type CommandOutcome = 'appended' | 'replayed' | 'refused' | 'failed';

/** Told of every command once it has settled (the metrics of the server). */
export interface CommandObserver {
  commandSettled(type: string, outcome: CommandOutcome, seconds: number): void;
}

/** The injection token of the CommandObserver the composition gives the command processor (the metrics). */
export const COMMAND_OBSERVER = Symbol('CommandObserver');

/**
 * Load → decide → append, with optimistic concurrency. On a conflict the command is decided again on the
 * new state: if it is still valid it is appended, if not the domain error of the new state is reported.
 */
export class CommandProcessor {
  /**
   * Recently used streams' states, by stream, in least-recently-used order. A cached state is never trusted
   * blindly: an append on it expects its revision, and a load reads the events after it, so writes by others are
   * never missed.
   */
  private readonly states = new Map<string, CachedState>();

  /** The last command queued on each stream in this process. */
  private readonly lanes = new Map<string, Promise<unknown>>();

  /** Bulk commands' streams no command waits on, oldest first. */
  private readonly bulkSettled = new Set<string>();

  constructor(
    private readonly store: EventStore,
    private readonly maxAttempts = 20,
    private readonly cachedStreams = 10_000,
    private readonly observer?: CommandObserver,
    private readonly bulkKept = 256,
  ) {}

  /**
   * Commands on one stream run one after the other in this process, so a burst on one agreement never fights
   * itself; commands on different streams run together and share the store's group commits. Conflicts with
   * other processes are still caught by the expected revision and retried.
   */
  handle<State, Command, Event extends DomainEvent>(
    decider: Decider<State, Command, Event>,
    streamId: string,
    command: Command,
    context: CommandContext,
  ): Promise<CommandResult> {
    const type = commandTypeOf(command);
    return tracing().inSpan(
      `command ${type}`,
      { 'sinergi.command.type': type, 'sinergi.stream': streamId },
      (span) => {
        const began = performance.now();
        const settled = (outcome: CommandOutcome) => {
          span.setAttributes({ 'sinergi.command.outcome': outcome });
          this.observer?.commandSettled(type, outcome, (performance.now() - began) / 1000);
        };
        return this.queued(decider, streamId, command, context).then(
          (result) => {
            settled(result.replayed ? 'replayed' : 'appended');
            return result;
          },
          (error: unknown) => {
            settled(error instanceof DomainError ? 'refused' : 'failed');
            throw error;
          },
        );
      },
      { expected: (error) => error instanceof DomainError },
    );
  }

  /** Runs the command after those handed in before it on its stream: their wait is part of what a caller sees. */
  private queued<State, Command, Event extends DomainEvent>(
    decider: Decider<State, Command, Event>,
    streamId: string,
    command: Command,
    context: CommandContext,
  ): Promise<CommandResult> {
    const previous = this.lanes.get(streamId) ?? Promise.resolve();
    const run = previous.then(
      () => this.run(decider, streamId, command, context),
      () => this.run(decider, streamId, command, context),
    );
    const settled = run.catch(() => undefined);
    this.lanes.set(streamId, settled);
    void settled.then(() => {
      if (this.lanes.get(streamId) !== settled) return;
      this.lanes.delete(streamId);
      if (context.bulk) this.bulkStreamSettled(streamId);
    });
    return run;
  }

  private async run<State, Command, Event extends DomainEvent>(
    decider: Decider<State, Command, Event>,
    streamId: string,
    command: Command,
    context: CommandContext,
  ): Promise<CommandResult> {
    if (context.idempotencyKey) {
      const prior = await this.store.findAppend(context.idempotencyKey);
      if (prior) return this.replay(prior, context);
    }
    // A cached state is tried first, without reading the store: the append's expected revision proves it current.
    // When it was not (another process wrote the stream) or the decider refuses, the command is decided again on
    // the stream as the store has it: a refusal is only ever reported on that. A bulk command's stream is most
    // often new: without a cached state it is tried on the initial state (and the append expects no stream).
    let cached = this.cached<State>(decider, streamId) ?? (context.bulk ? { state: decider.initialState, revision: -1 } : undefined);
    for (let attempt = 1; ; ) {
      const { state, revision } = cached ?? (await this.load(decider, streamId));
      const trusted = cached !== undefined;
      cached = undefined;
      let events: Event[];
      try {
        events = decider.decide(command, state);
      } catch (error) {
        if (trusted) continue;
        throw error;
      }
      try {
        const result = await tracing().inSpan('event-store append', { 'sinergi.stream': streamId, 'sinergi.events': events.length }, () =>
          this.store.append(
            streamId,
            events.map((event) => toNewEvent(event, context)),
            revision < 0 ? 'no-stream' : revision,
            { idempotencyKey: context.idempotencyKey },
          ),
          { expected: (error) => error instanceof WrongExpectedRevision },
        );
        if (result.replayed) return this.replay(result, context);
        this.remember(streamId, decider, result.lastRevision, state, events);
        return resultOf(result, events);
      } catch (error) {
        if (!(error instanceof WrongExpectedRevision)) throw error;
        if (trusted) continue;
        if (attempt >= this.maxAttempts) throw new ConcurrencyConflict(streamId, attempt);
        // Another process wrote the stream: back off a little, with jitter, so competing writers spread out.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 ** attempt)));
        attempt++;
      }
    }
  }

  /** The state this process last saw the stream in, if it is still cached (folded now if it was left unfolded). */
  private cached<State>(decider: object, streamId: string): { state: State; revision: number } | undefined {
    const cached = this.states.get(streamId);
    if (cached?.decider !== decider) return undefined;
    if (cached.unfolded.length > 0) {
      cached.state = cached.unfolded.reduce(cached.decider.evolve, cached.state);
      cached.unfolded = [];
    }
    return { state: cached.state as State, revision: cached.revision };
  }

  private async load<State, Event extends DomainEvent>(
    decider: Decider<State, never, Event>,
    streamId: string,
  ): Promise<{ state: State; revision: number }> {
    const base = this.cached<State>(decider, streamId) ?? { state: decider.initialState, revision: -1 };
    const newer = await this.store.readStream(streamId, { afterRevision: base.revision });
    const loaded =
      newer.length === 0
        ? base
        : { state: foldHistory(decider, newer, base.state), revision: newer[newer.length - 1].revision };
    if (loaded.revision >= 0) this.remember(streamId, decider, loaded.revision, loaded.state);
    return loaded;
  }

  /**
   * Keeps the stream's state at `revision`: `state` with the events just appended still to fold, folded only when
   * the next command on the stream needs it (most streams of an import see no other).
   */
  private remember<State, Event extends DomainEvent>(
    streamId: string,
    decider: Decider<State, never, Event>,
    revision: number,
    state: State,
    unfolded: readonly Event[] = [],
  ): void {
    this.states.delete(streamId);
    this.states.set(streamId, { decider: decider as CachedState['decider'], revision, state, unfolded });
    if (this.states.size > this.cachedStreams) this.states.delete(this.states.keys().next().value as string);
  }

  private bulkStreamSettled(streamId: string): void {
    this.bulkSettled.delete(streamId);
    this.bulkSettled.add(streamId);
    if (this.bulkSettled.size <= this.bulkKept) return;
    const oldest = this.bulkSettled.keys().next().value as string;
    this.bulkSettled.delete(oldest);
    this.states.delete(oldest);
  }

  private async replay(prior: AppendResult, context: CommandContext): Promise<CommandResult> {
    const events = await this.store.readStream(prior.streamId, {
      afterRevision: prior.firstRevision - 1,
      toRevision: prior.lastRevision,
    });
    const given = events[0]?.metadata.requestSha256;
    if (given && context.requestSha256 && given !== context.requestSha256) throw new IdempotencyKeyReused();
    return {
      streamId: prior.streamId,
      revision: prior.lastRevision,
      position: prior.lastPosition,
      events: events.map((e) => ({ type: e.type, revision: e.revision, data: e.data })),
      replayed: true,
    };
  }
}

/** A stream's cached state: what its decider folded, and the events appended since, to fold when next needed. */
interface CachedState {
  decider: Pick<Decider<unknown, never, DomainEvent>, 'evolve'>;
  revision: number;
  state: unknown;
  unfolded: readonly DomainEvent[];
}

/** A command's `type`, or that of the command it carries (access-checked deciders take `{ actor, command }`). */
function commandTypeOf(command: unknown): string {
  if (typeof command !== 'object' || command === null) return 'unknown';
  if ('type' in command && typeof command.type === 'string') return command.type;
  return 'command' in command ? commandTypeOf(command.command) : 'unknown';
}

export function asDomainEvent<Event extends DomainEvent>(recorded: Pick<RecordedEvent, 'type' | 'data'>): Event {
  return { type: recorded.type, data: recorded.data } as Event;
}

/** The state a stream's recorded events fold to. */
export function foldHistory<State, Event extends DomainEvent>(
  decider: Pick<Decider<State, never, Event>, 'initialState' | 'evolve'>,
  history: readonly RecordedEvent[],
  from: State = decider.initialState,
): State {
  return history.reduce((state, event) => decider.evolve(state, asDomainEvent<Event>(event)), from);
}

function toNewEvent(event: DomainEvent, context: CommandContext): NewEvent {
  const { actor, occurredAt, correlationId, causationId, reason, idempotencyKey, requestSha256 } = context;
  return {
    id: newEventId(),
    type: event.type,
    schemaVersion: EVENT_SCHEMA_VERSION,
    data: event.data,
    metadata: {
      actor,
      occurredAt,
      correlationId,
      causationId,
      ...(reason ? { reason } : {}),
      ...(idempotencyKey ? { idempotencyKey } : {}),
      ...(idempotencyKey && requestSha256 ? { requestSha256 } : {}),
    },
  };
}

function resultOf(result: AppendResult, events: DomainEvent[]): CommandResult {
  return {
    streamId: result.streamId,
    revision: result.lastRevision,
    position: result.lastPosition,
    events: events.map((e, i) => ({ type: e.type, revision: result.firstRevision + i, data: e.data })),
    replayed: false,
  };
}
