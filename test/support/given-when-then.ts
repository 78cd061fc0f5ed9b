import type { Decider } from '../../src/core/decider';
import type { DomainEvent } from '../../src/core/event';

/** Any error class, abstract or not, whatever its constructor takes. */
export type ErrorClass = abstract new (...args: never[]) => Error;

export type DeepPartial<T> = T extends readonly (infer Item)[]
  ? readonly DeepPartial<Item>[]
  : T extends object
    ? { [Key in keyof T]?: DeepPartial<T[Key]> }
    : T;

/** A predicate that either returns false or throws (an `expect` inside) when the state is not as wanted. */
export type StateCheck<State> = ((state: State) => boolean | void) | DeepPartial<State>;

export interface When<State, Event extends DomainEvent> {
  /** The command produces exactly these events, in this order (deep equality). */
  then(...expected: Event[]): void;
  /** The command is refused with an error of this class, and produces no events. */
  thenThrows(errorClass: ErrorClass): void;
  /** The state after the produced events are applied matches (a partial state, or a predicate). */
  thenState(expected: StateCheck<State>): void;
}

export interface Given<State, Command, Event extends DomainEvent> {
  when(command: Command): When<State, Event>;
  /** The state folded from the given events alone: for checks of `evolve`. */
  thenState(expected: StateCheck<State>): void;
}

/**
 * Given/when/then for any decider, to be used as the body of a jest `it`:
 * `it('...', () => given(...history).when(command).then(...events))`.
 */
export function specFor<State, Command, Event extends DomainEvent>(decider: Decider<State, Command, Event>) {
  const fold = (events: readonly Event[], from: State = decider.initialState): State =>
    events.reduce((state, event) => decider.evolve(state, event), from);
  const given = (...history: Event[]): Given<State, Command, Event> => {
    const stateOf = (): State => fold(history);
    return {
      thenState: (expected) => checkState(stateOf(), expected),
      when: (command) => ({
        then: (...expected) => {
          expect(decider.decide(command, stateOf())).toEqual(expected);
        },
        thenThrows: (errorClass) => {
          const outcome = attempt(() => decider.decide(command, stateOf()));
          if (outcome.produced) {
            throw new Error(
              `expected ${errorClass.name}, but the command was accepted and produced: ` +
                JSON.stringify(outcome.produced.map((e) => e.type)),
            );
          }
          expect(outcome.thrown).toBeInstanceOf(errorClass);
        },
        thenState: (expected) => {
          const state = stateOf();
          checkState(fold(decider.decide(command, state), state), expected);
        },
      }),
    };
  };
  return { given };
}

function attempt<Event>(decide: () => Event[]): { produced?: Event[]; thrown?: unknown } {
  try {
    return { produced: decide() };
  } catch (thrown) {
    return { thrown };
  }
}

const isPredicate = <State>(expected: StateCheck<State>): expected is (state: State) => boolean | void =>
  typeof expected === 'function';

function checkState<State>(state: State, expected: StateCheck<State>): void {
  if (isPredicate(expected)) {
    if (expected(state) === false) throw new Error(`the state does not satisfy the predicate: ${JSON.stringify(state)}`);
    return;
  }
  expect(state).toMatchObject(expected as object);
}
