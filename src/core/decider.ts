import type { DomainEvent } from './event';

/** A pure aggregate: no clock, no I/O. `evolve` never throws; `decide` throws domain errors. */
export interface Decider<State, Command, Event extends DomainEvent> {
  initialState: State;
  evolve(state: State, event: Event): State;
  decide(command: Command, state: State): Event[];
}

export function assertNever(value: never): never {
  throw new Error(`unexpected value: ${JSON.stringify(value)}`);
}

/** For `evolve`: exhaustive at compile time, while an event type unknown at run time leaves the state as it is. */
export function ignoreUnknown<State>(_event: never, state: State): State {
  return state;
}
