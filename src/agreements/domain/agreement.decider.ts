import { foldHistory } from '../../core/command-processor';
import type { Decider } from '../../core/decider';
import type { RecordedEvent } from '../../core/event';
import type { AgreementCommand } from './agreement.commands';
import { decideAgreement } from './agreement.decide';
import type { AgreementEvent } from './agreement.events';
import { AgreementNotFound } from './agreement.errors';
import { type AgreementState, evolveAgreement, initialAgreementState, type RecordedAgreement } from './agreement.state';

/**
 * One KSB, with its PKS, follow-ups and reciprocal visits, is one consistency boundary (one stream).
 * Ending a KSB must end its PKS and cancel its open follow-ups: inside one boundary that happens in the
 * same atomic append, with no process manager to lag, fail or replay, and rules that span the KSB and
 * its PKS (a PKS never outlives its KSB) are checked against the state they depend on.
 */
export const agreementDecider: Decider<AgreementState, AgreementCommand, AgreementEvent> = {
  initialState: initialAgreementState,
  evolve: evolveAgreement,
  decide: decideAgreement,
};

/** The agreement a stream records, folded from its history: AgreementNotFound when it records none. */
export function recordedAgreementOf(history: readonly RecordedEvent[]): RecordedAgreement {
  const state = foldHistory(agreementDecider, history);
  if (state.stage === 'none') throw new AgreementNotFound();
  return state;
}

const STREAM_PREFIX = 'agreement-';
export const agreementStreamId = (agreementId: string): string => `${STREAM_PREFIX}${agreementId}`;
export const agreementIdOfStream = (streamId: string): string => streamId.slice(STREAM_PREFIX.length);
