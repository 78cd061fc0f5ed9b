import {
  accept,
  accepted,
  activated,
  activeKsb,
  activePks,
  amend,
  amended,
  approveDraft,
  assignFollowUp,
  at,
  awaitingSignatures,
  banten,
  bengkulu,
  cancelVisit,
  cancelledWithKsb,
  decline,
  declined,
  draftApproved,
  draftFinalized,
  draftPks,
  draftRevised,
  expire,
  expired,
  extend,
  extended,
  followUpAcknowledged,
  followUpAssigned,
  followUpCompleted,
  jabar,
  luwuTimur,
  monevRecorded,
  negotiating,
  negotiationOpened,
  offered,
  pksDrafted,
  pksEndedWithAgreement,
  pksTerminated,
  policyWith,
  propose,
  proposed,
  recordMonev,
  recordVisit,
  requestVisit,
  reviseDraft,
  scheduleSigning,
  scheduleVisit,
  semesterReported,
  sign,
  signedBy,
  signingScheduled,
  story,
  submitSemesterReport,
  sukamara,
  terminate,
  terminated,
  under,
  visitCancelled,
  visitHeld,
  visitRequested,
  visitScheduled,
  withDraft,
  withdraw,
  withdrawn,
} from '../../../test/support/agreement-fixtures';
import { specFor } from '../../../test/support/given-when-then';
import { agreementDecider } from './agreement.decider';
import * as Err from './agreement.errors';
import type { AgreementEvent } from './agreement.events';

const { given } = specFor(agreementDecider);

/** Jawa Barat's offer to two kabupaten, in negotiation. */
const jabarNegotiating: AgreementEvent[] = [
  proposed(jabar, [luwuTimur, sukamara], { offerLetter: { number: '415.4/101-Pem/2024', date: '2024-01-08' } }),
  accepted(luwuTimur),
  accepted(sukamara),
  negotiationOpened(),
  draftRevised(1),
];
const jabarAwaitingSignatures: AgreementEvent[] = [
  ...jabarNegotiating,
  draftApproved(jabar),
  draftApproved(luwuTimur),
  draftApproved(sukamara),
  draftFinalized(1, '2024-01-31'),
];

/** The Banten–Bengkulu KSB awaiting signatures, with a draft of another term. */
const awaitingSignaturesFor = (termMonths: number): AgreementEvent[] => [
  ...negotiating,
  draftRevised(1, { termMonths }),
  draftApproved(banten),
  draftApproved(bengkulu),
  draftFinalized(),
];

describe('an agreement not yet proposed', () => {
  it('is proposed by one region to a counterpart, with fields, scope, kind, term and offer letter', () =>
    given().when(propose(banten, [bengkulu])).then(proposed(banten, [bengkulu])));

  it('may be offered to several counterparts at once', () =>
    given().when(propose(jabar, [luwuTimur, sukamara])).then(proposed(jabar, [luwuTimur, sukamara])));

  it('refuses an offer without a counterpart', () =>
    given().when(propose(banten, [])).thenThrows(Err.NoCounterpart));

  it('refuses the proposer as its own counterpart', () =>
    given().when(propose(banten, [bengkulu, banten])).thenThrows(Err.CounterpartIsProposer));

  it('refuses a counterpart listed twice', () =>
    given().when(propose(jabar, [luwuTimur, luwuTimur])).thenThrows(Err.DuplicateCounterpart));

  it('refuses an offer without a field of cooperation', () =>
    given().when(propose(banten, [bengkulu], { fields: [] })).thenThrows(Err.NoFieldOfCooperation));

  it('refuses a term longer than the policy allows (5 years by default)', () =>
    given().when(propose(banten, [bengkulu], { termMonths: 61 })).thenThrows(Err.TermExceedsPolicy));

  it("bounds the term by the proposing region's own policy", () =>
    given()
      .when(under(policyWith({ ksb: 36 }), propose(banten, [bengkulu], { termMonths: 48 })))
      .thenThrows(Err.TermExceedsPolicy));

  it('accepts a term of exactly the policy maximum', () =>
    given()
      .when(under(policyWith({ ksb: 36 }), propose(banten, [bengkulu], { termMonths: 36 })))
      .then(proposed(banten, [bengkulu], { termMonths: 36 })));

  it('takes no other command: there is no such agreement', () =>
    given().when(accept(bengkulu)).thenThrows(Err.AgreementNotFound));
});

describe('a proposed agreement', () => {
  it('cannot be proposed a second time', () =>
    given(...offered).when(propose(banten, [bengkulu])).thenThrows(Err.AgreementAlreadyExists));

  it('opens negotiation when its only counterpart accepts', () =>
    given(...offered).when(accept(bengkulu)).then(accepted(bengkulu), negotiationOpened()));

  it('stays proposed until every counterpart has accepted', () =>
    given(proposed(jabar, [luwuTimur, sukamara]))
      .when(accept(luwuTimur))
      .then(accepted(luwuTimur)));

  it('opens negotiation when the last counterpart accepts', () =>
    given(proposed(jabar, [luwuTimur, sukamara]), accepted(luwuTimur))
      .when(accept(sukamara))
      .then(accepted(sukamara), negotiationOpened()));

  it('is declined by a counterpart, with its reason', () =>
    given(...offered).when(decline(bengkulu)).then(declined(bengkulu)));

  it('ends as declined when any counterpart declines, even after another accepted', () =>
    given(proposed(jabar, [luwuTimur, sukamara]), accepted(luwuTimur), declined(sukamara)).thenState({
      stage: 'declined',
      declined: { party: sukamara },
    }));

  it('takes answers only from its counterparts, not from the proposer', () =>
    given(...offered).when(accept(banten)).thenThrows(Err.NotACounterpart));

  it('takes no answer from a region outside the offer', () =>
    given(...offered).when(decline(jabar)).thenThrows(Err.NotACounterpart));

  it('refuses a second acceptance by the same counterpart', () =>
    given(proposed(jabar, [luwuTimur, sukamara]), accepted(luwuTimur))
      .when(accept(luwuTimur))
      .thenThrows(Err.OfferAlreadyAnswered));

  it('does not let a counterpart decline after it accepted', () =>
    given(proposed(jabar, [luwuTimur, sukamara]), accepted(luwuTimur))
      .when(decline(luwuTimur))
      .thenThrows(Err.OfferAlreadyAnswered));

  it('can be withdrawn by the proposer, with a reason', () =>
    given(...offered).when(withdraw()).then(withdrawn()));

  it('is not negotiated yet: drafts wait for every acceptance', () =>
    given(...offered).when(reviseDraft(1)).thenThrows(Err.NotInNegotiation));

  it('cannot schedule its signing yet', () =>
    given(...offered).when(scheduleSigning()).thenThrows(Err.NotInNegotiation));
});

describe('an offer that was declined or withdrawn', () => {
  it('takes no more answers once declined', () =>
    given(proposed(jabar, [luwuTimur, sukamara]), declined(luwuTimur))
      .when(accept(sukamara))
      .thenThrows(Err.OfferNotOpen));

  it('takes no more answers once withdrawn', () =>
    given(...offered, withdrawn()).when(accept(bengkulu)).thenThrows(Err.OfferNotOpen));

  it('cannot be withdrawn once declined', () =>
    given(...offered, declined(bengkulu)).when(withdraw()).thenThrows(Err.WithdrawalNotAllowed));

  it('cannot be withdrawn twice', () =>
    given(...offered, withdrawn()).when(withdraw()).thenThrows(Err.WithdrawalNotAllowed));

  it('records the withdrawal as its end', () =>
    given(...negotiating, withdrawn()).thenState({ stage: 'withdrawn', endedOn: story.drafting }));
});

describe('an agreement in negotiation', () => {
  it('takes no more answers to the offer', () =>
    given(...negotiating).when(accept(bengkulu)).thenThrows(Err.OfferNotOpen));

  it('records the first draft as version 1, with its SHA-256 and summary', () =>
    given(...negotiating).when(reviseDraft(1)).then(draftRevised(1)));

  it('numbers each revision after the last one', () =>
    given(...withDraft).when(reviseDraft(2)).then(draftRevised(2)));

  it('keeps the proposed term unless a revision changes it', () =>
    given(...withDraft).when(reviseDraft(2, { termMonths: 36 })).then(draftRevised(2, { termMonths: 36 })));

  it('refuses a revision whose term exceeds the policy', () =>
    given(...withDraft).when(reviseDraft(2, { termMonths: 72 })).thenThrows(Err.TermExceedsPolicy));

  it('has nothing to approve before the first draft', () =>
    given(...negotiating).when(approveDraft(banten)).thenThrows(Err.NoDraftYet));

  it("records the approval of a party's TKKSD", () =>
    given(...withDraft).when(approveDraft(bengkulu)).then(draftApproved(bengkulu)));

  it('is finalized for signing when the TKKSD of every party has approved the latest version', () =>
    given(...withDraft, draftApproved(banten))
      .when(approveDraft(bengkulu))
      .then(draftApproved(bengkulu), draftFinalized()));

  it("needs the proposer's TKKSD as well as the counterparts'", () =>
    given(...jabarNegotiating, draftApproved(luwuTimur))
      .when(approveDraft(sukamara))
      .then(draftApproved(sukamara)));

  it('refuses the approval of a version that is not the latest', () =>
    given(...withDraft, draftRevised(2)).when(approveDraft(bengkulu, 1)).thenThrows(Err.DraftVersionOutdated));

  it('refuses a second approval by the same TKKSD', () =>
    given(...withDraft, draftApproved(banten)).when(approveDraft(banten)).thenThrows(Err.DraftAlreadyApproved));

  it('takes approvals only from its parties', () =>
    given(...withDraft).when(approveDraft(jabar)).thenThrows(Err.NotAParty));

  it('resets the approvals when the draft is revised', () =>
    given(...withDraft, draftApproved(banten), draftRevised(2)).thenState({ approvals: [], draft: { version: 2 } }));

  it('needs every approval again after a revision', () =>
    given(...withDraft, draftApproved(banten), draftRevised(2))
      .when(approveDraft(bengkulu, 2))
      .then(draftApproved(bengkulu, 2)));

  it('may schedule the signing: date, place and mode', () =>
    given(...withDraft).when(scheduleSigning()).then(signingScheduled()));

  it('collects no signature before every TKKSD has approved', () =>
    given(...withDraft, draftApproved(banten)).when(sign({ by: banten })).thenThrows(Err.NotAwaitingSignatures));

  it('can be withdrawn', () => given(...withDraft).when(withdraw()).then(withdrawn()));
});

describe('a KSB awaiting signatures', () => {
  it('records the first signature without activating', () =>
    given(...awaitingSignatures).when(sign({ by: banten })).then(signedBy(banten)));

  it('becomes active when the last party signs', () =>
    given(...awaitingSignatures, signedBy(banten, '2025-10-24'))
      .when(sign({ by: bengkulu, on: '2025-10-24' }))
      .then(signedBy(bengkulu, '2025-10-24'), activated({ from: '2025-10-24', until: '2030-10-24' })));

  it('lets the parties sign on different days, and runs from the last signature', () =>
    given(...awaitingSignatures, signedBy(banten, '2025-10-24'))
      .when(sign({ by: bengkulu, on: '2025-10-29' }))
      .then(signedBy(bengkulu, '2025-10-29'), activated({ from: '2025-10-29', until: '2030-10-29' })));

  it('runs from the latest signature date even when it was recorded first', () =>
    given(...awaitingSignatures, signedBy(banten, '2025-10-29'))
      .when(sign({ by: bengkulu, on: '2025-10-24' }))
      .then(signedBy(bengkulu, '2025-10-24'), activated({ from: '2025-10-29', until: '2030-10-29' })));

  it('runs for the term of the approved draft', () =>
    given(...awaitingSignaturesFor(36), signedBy(banten))
      .when(sign({ by: bengkulu }))
      .then(signedBy(bengkulu), activated({ from: story.signed, until: '2028-10-24' })));

  it('ends on the last day of February when signed on 29 February', () =>
    given(...awaitingSignaturesFor(12), signedBy(banten, '2028-02-29'))
      .when(sign({ by: bengkulu, on: '2028-02-29' }))
      .then(signedBy(bengkulu, '2028-02-29'), activated({ from: '2028-02-29', until: '2029-02-28' })));

  it('waits for every party of a multilateral KSB', () =>
    given(...jabarAwaitingSignatures, signedBy(jabar, '2024-02-05'))
      .when(sign({ by: luwuTimur, on: '2024-02-05' }))
      .then(signedBy(luwuTimur, '2024-02-05')));

  it('activates a multilateral KSB with the last of its signatures', () =>
    given(...jabarAwaitingSignatures, signedBy(jabar, '2024-02-05'), signedBy(luwuTimur, '2024-02-05'))
      .when(sign({ by: sukamara, on: '2024-02-05' }))
      .then(signedBy(sukamara, '2024-02-05'), activated({ from: '2024-02-05', until: '2029-02-05' })));

  it('refuses a second signature from the same party', () =>
    given(...awaitingSignatures, signedBy(banten)).when(sign({ by: banten })).thenThrows(Err.PartyAlreadySigned));

  it('takes signatures only from its parties', () =>
    given(...awaitingSignatures).when(sign({ by: jabar })).thenThrows(Err.NotAParty));

  it('may still have its signing rescheduled', () =>
    given(...awaitingSignatures, signingScheduled())
      .when(scheduleSigning({ date: '2025-10-31', mode: 'desk-to-desk' }))
      .then(signingScheduled({ date: '2025-10-31', mode: 'desk-to-desk' })));

  it('goes back to negotiation when the draft is revised before anyone signs', () =>
    given(...awaitingSignatures)
      .when(reviseDraft(2))
      .thenState({ stage: 'negotiating', approvals: [], draft: { version: 2 } }));

  it('refuses a new draft once a party has signed', () =>
    given(...awaitingSignatures, signedBy(banten)).when(reviseDraft(2)).thenThrows(Err.DraftAlreadySigned));

  it('can be withdrawn before the last signature', () =>
    given(...awaitingSignatures, signedBy(banten)).when(withdraw()).then(withdrawn()));
});

describe('a KSB not yet active', () => {
  it.each([
    ['a reciprocal visit', requestVisit()],
    ['a monev', recordMonev()],
    ['a semester report', submitSemesterReport(banten)],
    ['an addendum', amend()],
    ['an extension', extend('2031-01-01')],
    ['a termination', terminate()],
    ['an expiry', expire()],
    ['a PKS', draftPks()],
    ['a follow-up', assignFollowUp()],
  ])('takes no %s', (_, command) =>
    given(...awaitingSignatures, signedBy(banten)).when(command).thenThrows(Err.AgreementNotActive));
});

describe('an active KSB', () => {
  it('records its validity period', () =>
    given(...activeKsb).thenState({
      stage: 'active',
      validFrom: story.signed,
      validUntil: story.ksbEnd,
      signatures: { [banten]: { signatory: { name: 'Andra Soni' } }, [bengkulu]: { signatory: { name: 'Helmi Hasan' } } },
    }));

  it('can no longer be withdrawn', () => given(...activeKsb).when(withdraw()).thenThrows(Err.WithdrawalNotAllowed));

  it('takes no more signatures', () =>
    given(...activeKsb).when(sign({ by: banten })).thenThrows(Err.NotAwaitingSignatures));

  it('takes no more drafts: changes go through an addendum', () =>
    given(...activeKsb).when(reviseDraft(2)).thenThrows(Err.NotInNegotiation));
});

describe('reciprocal visits under an active KSB', () => {
  it('are asked by one party of another: Bengkulu asks Banten to visit', () =>
    given(...activeKsb).when(requestVisit({ host: bengkulu, visitor: banten })).then(visitRequested()));

  it('are numbered in the order they are asked', () =>
    given(...activeKsb, visitRequested())
      .when(requestVisit({ host: banten, visitor: bengkulu }))
      .then(visitRequested({ visitId: 'visit-2', host: banten, visitor: bengkulu })));

  it('refuses a region visiting itself', () =>
    given(...activeKsb).when(requestVisit({ host: banten, visitor: banten })).thenThrows(Err.VisitHostIsVisitor));

  it('take place between parties only', () =>
    given(...activeKsb).when(requestVisit({ host: bengkulu, visitor: jabar })).thenThrows(Err.NotAParty));

  it('are scheduled with a date and a delegation', () =>
    given(...activeKsb, visitRequested()).when(scheduleVisit()).then(visitScheduled()));

  it('may be rescheduled', () =>
    given(...activeKsb, visitRequested(), visitScheduled())
      .when(scheduleVisit({ date: '2026-04-06' }))
      .then(visitScheduled({ date: '2026-04-06' })));

  it('are recorded as held, with a summary and outcomes', () =>
    given(...activeKsb, visitRequested(), visitScheduled()).when(recordVisit()).then(visitHeld()));

  it('cannot be held before being scheduled', () =>
    given(...activeKsb, visitRequested()).when(recordVisit()).thenThrows(Err.VisitNotScheduled));

  it('cannot be recorded twice', () =>
    given(...activeKsb, visitRequested(), visitScheduled(), visitHeld())
      .when(recordVisit())
      .thenThrows(Err.VisitNotOpen));

  it('can be cancelled while requested or scheduled', () =>
    given(...activeKsb, visitRequested(), visitScheduled()).when(cancelVisit()).then(visitCancelled()));

  it('cannot be scheduled once cancelled', () =>
    given(...activeKsb, visitRequested(), visitCancelled()).when(scheduleVisit()).thenThrows(Err.VisitNotOpen));

  it('cannot be cancelled once held', () =>
    given(...activeKsb, visitRequested(), visitScheduled(), visitHeld())
      .when(cancelVisit())
      .thenThrows(Err.VisitNotOpen));

  it('must exist to be scheduled', () =>
    given(...activeKsb, visitRequested()).when(scheduleVisit({ visitId: 'visit-9' })).thenThrows(Err.VisitNotFound));

  it('are no longer scheduled once the KSB has ended', () =>
    given(...activeKsb, visitRequested(), terminated()).when(scheduleVisit()).thenThrows(Err.AgreementNotActive));
});

describe('reports and monev of a KSB', () => {
  it('takes a semester report from each party', () =>
    given(...activeKsb, semesterReported(banten))
      .when(submitSemesterReport(bengkulu))
      .then(semesterReported(bengkulu)));

  it('takes one report per party and semester', () =>
    given(...activeKsb, semesterReported(banten)).when(submitSemesterReport(banten)).thenThrows(Err.SemesterAlreadyReported));

  it('takes the next semester from the same party', () =>
    given(...activeKsb, semesterReported(banten, 2025, 2))
      .when(submitSemesterReport(banten, 2026, 1))
      .then(semesterReported(banten, 2026, 1)));

  it('takes reports only from its parties', () =>
    given(...activeKsb).when(submitSemesterReport(jabar)).thenThrows(Err.NotAParty));

  it('still takes the reports owed after it was terminated', () =>
    given(...activeKsb, terminated()).when(submitSemesterReport(bengkulu)).then(semesterReported(bengkulu)));

  it('still takes the reports owed after it expired', () =>
    given(...activeKsb, expired())
      .when(at('2030-11-20', submitSemesterReport(banten, 2030, 2)))
      .then(semesterReported(banten, 2030, 2, '2030-11-20')));

  it('takes no report when it never became active', () =>
    given(...negotiating, withdrawn()).when(submitSemesterReport(banten)).thenThrows(Err.AgreementNotActive));

  it('records a monev with its date, rating and recommendation', () =>
    given(...activeKsb).when(recordMonev()).then(monevRecorded()));

  it('records a monev recommending termination', () =>
    given(...activeKsb)
      .when(recordMonev({ party: bengkulu, rating: 1, recommendation: 'terminate' }))
      .then(monevRecorded({ party: bengkulu, rating: 1, recommendation: 'terminate' })));

  it.each([0, 6, 3.5])('refuses a monev rating of %p: ratings are whole numbers from 1 to 5', (rating) =>
    given(...activeKsb).when(recordMonev({ rating })).thenThrows(Err.RatingOutOfRange));

  it('takes monev only from its parties', () =>
    given(...activeKsb).when(recordMonev({ party: jabar })).thenThrows(Err.NotAParty));

  it('takes no monev once ended', () =>
    given(...activeKsb, expired()).when(recordMonev()).thenThrows(Err.AgreementNotActive));
});

describe('amending an active KSB', () => {
  it('records an addendum signed again by every party', () =>
    given(...activeKsb).when(amend()).then(amended(1)));

  it('numbers addenda in order', () =>
    given(...activeKsb, amended(1)).when(amend([banten, bengkulu], 2)).then(amended(2)));

  it('refuses an addendum that a party has not signed', () =>
    given(...activeKsb).when(amend([banten])).thenThrows(Err.AmendmentSignaturesIncomplete));

  it('refuses an addendum signature from a region that is not a party', () =>
    given(...activeKsb).when(amend([banten, bengkulu, jabar])).thenThrows(Err.NotAParty));
});

describe('extending an active KSB', () => {
  it('moves its end date later', () =>
    given(...activeKsb)
      .when(at('2030-06-01', extend('2032-10-24')))
      .then(extended('2032-10-24', { on: '2030-06-01' })));

  it('refuses an end date that is not later than the current one', () =>
    given(...activeKsb).when(extend(story.ksbEnd)).thenThrows(Err.DateNotLater));

  it('refuses an earlier end date', () =>
    given(...activeKsb).when(extend('2029-12-31')).thenThrows(Err.DateNotLater));

  it('bounds the new end by the policy maximum counted from today', () =>
    given(...activeKsb).when(extend('2031-01-11')).thenThrows(Err.TermExceedsPolicy));

  it('accepts a new end at exactly the policy maximum', () =>
    given(...activeKsb).when(extend('2031-01-10')).then(extended('2031-01-10')));

  it("follows the region's own policy", () =>
    given(...activeKsb).when(under(policyWith({ ksb: 36 }), extend('2030-10-25'))).thenThrows(Err.TermExceedsPolicy));

  it('does not expire at its old end date', () =>
    given(...activeKsb, extended('2032-10-24')).when(expire()).thenThrows(Err.NotYetExpired));

  it('expires at its new end date', () =>
    given(...activeKsb, extended('2032-10-24'))
      .when(at('2032-10-24', expire()))
      .then(expired('2032-10-24')));

  it('cannot be extended once terminated', () =>
    given(...activeKsb, terminated()).when(extend('2032-10-24')).thenThrows(Err.AgreementNotActive));
});

describe('terminating an active KSB', () => {
  it('ends it on one of the grounds, with a note', () =>
    given(...activeKsb).when(terminate('breach-by-party')).then(terminated('breach-by-party')));

  it('ends its PKS with it and cancels its open follow-ups, in the same decision', () =>
    given(
      ...activePks,
      followUpAssigned({ followUpId: 'tl-1', pksId: 'pks-1' }),
      followUpAssigned({ followUpId: 'tl-2' }),
      followUpAcknowledged('tl-2'),
    )
      .when(terminate())
      .then(terminated(), pksEndedWithAgreement('pks-1'), cancelledWithKsb('tl-1'), cancelledWithKsb('tl-2')));

  it('ends a PKS still being drafted too', () =>
    given(...activeKsb, pksDrafted()).when(terminate()).then(terminated(), pksEndedWithAgreement('pks-1')));

  it('leaves PKS that already ended and closed follow-ups as they are', () =>
    given(
      ...activePks,
      pksTerminated('pks-1'),
      followUpAssigned({ followUpId: 'tl-1' }),
      followUpAcknowledged('tl-1'),
      followUpCompleted('tl-1'),
    )
      .when(terminate())
      .then(terminated()));

  it('cannot be terminated twice', () =>
    given(...activeKsb, terminated()).when(terminate()).thenThrows(Err.AgreementNotActive));

  it('takes no new PKS once terminated', () =>
    given(...activeKsb, terminated()).when(draftPks()).thenThrows(Err.AgreementNotActive));

  it('records its end', () =>
    given(...activeKsb, terminated('force-majeure')).thenState({
      stage: 'terminated',
      endedOn: story.today,
      termination: { ground: 'force-majeure' },
    }));
});

describe('an active KSB at its end date', () => {
  it('expires on its end date', () => given(...activeKsb).when(expire()).then(expired(story.ksbEnd)));

  it('records its end date as the day of expiry, even when recorded late', () =>
    given(...activeKsb).when(at('2030-10-27', expire())).then(expired(story.ksbEnd)));

  it('does not expire before its end date', () =>
    given(...activeKsb).when(at('2030-10-23', expire())).thenThrows(Err.NotYetExpired));

  it('ends its PKS and cancels the open follow-ups as of its end date', () =>
    given(...activePks, followUpAssigned({ followUpId: 'tl-1', pksId: 'pks-1' }))
      .when(expire())
      .then(expired(), pksEndedWithAgreement('pks-1', story.ksbEnd), cancelledWithKsb('tl-1')));

  it('cannot expire twice', () => given(...activeKsb, expired()).when(expire()).thenThrows(Err.AgreementNotActive));
});
