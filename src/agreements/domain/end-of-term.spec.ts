import {
  activeKsb,
  activePks,
  at,
  awaitingSignatures,
  banten,
  bengkulu,
  cancelFollowUp,
  cancelVisit,
  decline,
  draftingPks,
  expire,
  expired,
  extend,
  extendDueDate,
  extendPks,
  followUpAssigned,
  followUpAcknowledged,
  offered,
  pksEndedWithAgreement,
  pksSignedBy,
  policyWith,
  propose,
  reportProgress,
  sign,
  signPks,
  signedBy,
  terminate,
  under,
  visitRequested,
  visitScheduled,
  withdraw,
} from '../../../test/support/agreement-fixtures';
import { specFor } from '../../../test/support/given-when-then';
import { agreementDecider } from './agreement.decider';
import * as Err from './agreement.errors';

const { given } = specFor(agreementDecider);

describe('a KSB past its end date whose expiry is not yet recorded', () => {
  it('takes no extension', () =>
    given(...activeKsb).when(at('2030-10-25', extend('2032-10-24'))).thenThrows(Err.AgreementNotActive));

  it('cannot be terminated: it expires', () =>
    given(...activeKsb).when(at('2030-10-24', terminate())).thenThrows(Err.AgreementNotActive));

  it('still expires', () => given(...activeKsb).when(at('2030-11-02', expire())).then(expired('2030-10-24')));
});

describe('a PKS past its end date whose expiry is not yet recorded', () => {
  it('takes no extension', () =>
    given(...activePks).when(at('2029-01-11', extendPks('2030-01-10'))).thenThrows(Err.PksNotActive));
});

describe('signing a PKS near the end of its KSB', () => {
  it('refuses a signature dated on or after the KSB end', () =>
    given(...draftingPks, pksSignedBy(banten, { date: '2030-10-01' }))
      .when(at('2030-10-01', signPks({ by: bengkulu, date: '2030-10-24' })))
      .thenThrows(Err.PksWouldOutliveAgreement));
});

describe('the term of a KSB', () => {
  it('is bounded by the policy in force at the last signature', () =>
    given(...awaitingSignatures, signedBy(banten))
      .when(under(policyWith({ ksb: 36 }), sign({ by: bengkulu })))
      .thenThrows(Err.TermExceedsPolicy));

  it('is at least one whole month', () =>
    given().when(propose(banten, [bengkulu], { termMonths: 0 })).thenThrows(Err.TermTooShort));
});

describe('steps that must say why', () => {
  it('refuses a decline without a reason', () => given(...offered).when(decline(bengkulu, '  ')).thenThrows(Err.ReasonRequired));

  it('refuses a withdrawal without a reason', () => given(...offered).when(withdraw('')).thenThrows(Err.ReasonRequired));

  it('refuses a termination without a note', () =>
    given(...activeKsb)
      .when({ ...terminate(), data: { ground: 'agreed-by-parties', note: '' } })
      .thenThrows(Err.ReasonRequired));

  it('refuses to cancel a visit without a reason', () =>
    given(...activeKsb, visitRequested())
      .when({ ...cancelVisit(), data: { visitId: 'visit-1', reason: '' } })
      .thenThrows(Err.ReasonRequired));

  it('refuses to extend a due date without a reason', () =>
    given(...activeKsb, followUpAssigned())
      .when({ ...extendDueDate('2026-04-30'), data: { followUpId: 'tl-1', dueDate: '2026-04-30', reason: ' ' } })
      .thenThrows(Err.ReasonRequired));

  it('refuses to cancel a follow-up without a reason', () =>
    given(...activeKsb, followUpAssigned())
      .when({ ...cancelFollowUp(), data: { followUpId: 'tl-1', reason: '' } })
      .thenThrows(Err.ReasonRequired));
});

describe('progress of a follow-up', () => {
  it('is a whole percentage up to 100', () =>
    given(...activeKsb, followUpAssigned(), followUpAcknowledged()).when(reportProgress(150)).thenThrows(Err.ProgressOutOfRange));
});

describe('a KSB that ends with a reciprocal visit still open', () => {
  it('cancels the requested and scheduled visits with it', () =>
    given(...activeKsb, visitRequested(), visitRequested({ visitId: 'visit-2' }), visitScheduled({ visitId: 'visit-2' }))
      .when(expire())
      .then(
        expired(),
        { type: 'ReciprocalVisitCancelled', data: { visitId: 'visit-1', reason: 'the KSB ended' } },
        { type: 'ReciprocalVisitCancelled', data: { visitId: 'visit-2', reason: 'the KSB ended' } },
      ));

  it('ends the PKS, the follow-ups and the visits in one decision', () =>
    given(...activePks, visitRequested())
      .when(terminate())
      .then(
        { type: 'AgreementTerminated', data: { ground: 'agreed-by-parties', note: terminate().data.note, on: '2026-01-10' } },
        pksEndedWithAgreement('pks-1'),
        { type: 'ReciprocalVisitCancelled', data: { visitId: 'visit-1', reason: 'the KSB ended' } },
      ));
});
