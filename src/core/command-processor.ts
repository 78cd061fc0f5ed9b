import { randomUUID } from 'node:crypto';
import type { Decider } from './decider';
import { LifecycleError } from './domain-error';
import type { Actor, DomainEvent, NewEvent, RecordedEvent } from './event';
import { type AppendResult, EventStore, WrongExpectedRevision } from './event-store.port';

export const SCHEMA_VERSION = 1;

/** Everything about a command that is not its data: who, when in the world, and why. */
export interface CommandContext {
  actor: Actor;
  occurredAt: string;
  correlationId: string;
  causationId: string;
  reason?: string;
  idempotencyKey?: string;
}

export interface CommandResult {
  streamId: string;
  /** Revision of the stream after the command. */
  revision: number;
  position: number;
  /** The events the command recorded (or, for a repeated idempotency key, had recorded). */
  events: { type: string; revision: number }[];
  replayed: boolean;
}

export class ConcurrencyConflict extends LifecycleError {
  constructor(streamId: string, attempts: number) {
    super(`${streamId} kept changing while the command was applied (${attempts} attempts); try again`);
  }
}

/**
 * Load → decide → append, with optimistic concurrency. On a conflict the command is decided again on the
 * new state: if it is still valid it is appended, if not the domain error of the new state is reported.
 */
export class CommandProcessor {
  constructor(
    private readonly store: EventStore,
    private readonly maxAttempts = 20,
  ) {}

  async handle<State, Command, Event extends DomainEvent>(
    decider: Decider<State, Command, Event>,
    streamId: string,
    command: Command,
    context: CommandContext,
  ): Promise<CommandResult> {
    if (context.idempotencyKey) {
      const prior = await this.store.findAppend(context.idempotencyKey);
      if (prior) return this.replay(prior);
    }
    for (let attempt = 1; ; attempt++) {
      const history = await this.store.readStream(streamId);
      const state = foldHistory(decider, history);
      const events = decider.decide(command, state);
      const expected = history.length === 0 ? 'no-stream' : history[history.length - 1].revision;
      try {
        const result = await this.store.append(
          streamId,
          events.map((event) => toNewEvent(event, context)),
          expected,
          { idempotencyKey: context.idempotencyKey },
        );
        return result.replayed ? this.replay(result) : resultOf(result, events);
      } catch (error) {
        if (!(error instanceof WrongExpectedRevision)) throw error;
        if (attempt >= this.maxAttempts) throw new ConcurrencyConflict(streamId, attempt);
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
  }

  private async replay(prior: AppendResult): Promise<CommandResult> {
    const events = await this.store.readStream(prior.streamId, {
      afterRevision: prior.firstRevision - 1,
      toRevision: prior.lastRevision,
    });
    return {
      streamId: prior.streamId,
      revision: prior.lastRevision,
      position: prior.lastPosition,
      events: events.map((e) => ({ type: e.type, revision: e.revision })),
      replayed: true,
    };
  }
}

export function toDomainEvent<Event extends DomainEvent>(recorded: Pick<RecordedEvent, 'type' | 'data'>): Event {
  return { type: recorded.type, data: recorded.data } as Event;
}

/** The state a stream's recorded events fold to. */
export function foldHistory<State, Event extends DomainEvent>(
  decider: Pick<Decider<State, never, Event>, 'initialState' | 'evolve'>,
  history: readonly RecordedEvent[],
): State {
  return history.reduce((state, event) => decider.evolve(state, toDomainEvent<Event>(event)), decider.initialState);
}

function toNewEvent(event: DomainEvent, context: CommandContext): NewEvent {
  const { actor, occurredAt, correlationId, causationId, reason, idempotencyKey } = context;
  return {
    id: randomUUID(),
    type: event.type,
    schemaVersion: SCHEMA_VERSION,
    data: event.data,
    metadata: {
      actor,
      occurredAt,
      correlationId,
      causationId,
      ...(reason ? { reason } : {}),
      ...(idempotencyKey ? { idempotencyKey } : {}),
    },
  };
}

function resultOf(result: AppendResult, events: DomainEvent[]): CommandResult {
  return {
    streamId: result.streamId,
    revision: result.lastRevision,
    position: result.lastPosition,
    events: events.map((e, i) => ({ type: e.type, revision: result.firstRevision + i })),
    replayed: false,
  };
}
