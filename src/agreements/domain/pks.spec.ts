import {
  activeKsb,
  activePks,
  amendPks,
  at,
  awaitingSignatures,
  banten,
  bengkulu,
  cancelledWithPks,
  decideDprdApproval,
  dprdDecided,
  dprdRequested,
  draftPks,
  draftingPks,
  expirePks,
  extendPks,
  extended,
  followUpAcknowledged,
  followUpAssigned,
  followUpCompleted,
  jabar,
  leadOpds,
  opdHead,
  pksActivated,
  pksAmended,
  pksDrafted,
  pksEndedWithAgreement,
  pksExpired,
  pksExtended,
  pksRevised,
  pksSignedBy,
  pksTerminated,
  policyWith,
  requestDprdApproval,
  revisePks,
  signPks,
  story,
  terminatePks,
  terminated,
  under,
} from '../../../test/support/agreement-fixtures';
import { specFor } from '../../../test/support/given-when-then';
import { agreementDecider } from './agreement.decider';
import * as Err from './agreement.errors';
import type { AgreementEvent } from './agreement.events';

const { given } = specFor(agreementDecider);

/** The health PKS, whose funding Bengkulu's DPRD must approve, with its first draft. */
const gated: AgreementEvent[] = [...activeKsb, pksDrafted({ dprdRequiredFor: [bengkulu] }), pksRevised(1)];

/** Follow-ups under the health PKS (tl-1, open; tl-3, completed) and under the KSB itself (tl-2). */
const withFollowUps: AgreementEvent[] = [
  ...activePks,
  followUpAssigned({ followUpId: 'tl-1', pksId: 'pks-1' }),
  followUpAssigned({ followUpId: 'tl-2' }),
  followUpAssigned({ followUpId: 'tl-3', pksId: 'pks-1' }),
  followUpAcknowledged('tl-3'),
  followUpCompleted('tl-3'),
];

describe('an active KSB deriving a PKS', () => {
  it('drafts it for one field of the KSB, with the lead OPD of each party', () =>
    given(...activeKsb).when(draftPks()).then(pksDrafted()));

  it('numbers its PKS in order', () =>
    given(...activePks)
      .when(draftPks({ field: 'pelayanan-publik', title: 'PKS Pelayanan Publik' }))
      .then(pksDrafted({ pksId: 'pks-2', field: 'pelayanan-publik', title: 'PKS Pelayanan Publik' })));

  it('records the parties whose DPRD must approve it', () =>
    given(...activeKsb)
      .when(draftPks({ dprdRequiredFor: [bengkulu] }))
      .then(pksDrafted({ dprdRequiredFor: [bengkulu] })));

  it('refuses a field that is not a field of the KSB', () =>
    given(...activeKsb).when(draftPks({ field: 'pariwisata' })).thenThrows(Err.FieldNotInAgreement));

  it('refuses a draft without a lead OPD for every party', () =>
    given(...activeKsb).when(draftPks({ leadOpds: leadOpds([banten]) })).thenThrows(Err.LeadOpdMissing));

  it('refuses two lead OPDs for the same party', () =>
    given(...activeKsb)
      .when(draftPks({ leadOpds: [...leadOpds(), { party: bengkulu, opd: 'Dinas PUPR Provinsi Bengkulu' }] }))
      .thenThrows(Err.LeadOpdMissing));

  it('refuses a lead OPD of a region that is not a party', () =>
    given(...activeKsb)
      .when(draftPks({ leadOpds: [...leadOpds(), { party: jabar, opd: 'Diskominfotik Jawa Barat' }] }))
      .thenThrows(Err.NotAParty));

  it('refuses a DPRD gate for a region that is not a party', () =>
    given(...activeKsb).when(draftPks({ dprdRequiredFor: [jabar] })).thenThrows(Err.NotAParty));

  it('refuses a term longer than the PKS policy allows', () =>
    given(...activeKsb).when(draftPks({ termMonths: 61 })).thenThrows(Err.TermExceedsPolicy));

  it("bounds the term by the region's own PKS policy", () =>
    given(...activeKsb).when(under(policyWith({ pks: 24 }), draftPks({ termMonths: 36 }))).thenThrows(Err.TermExceedsPolicy));

  it('refuses a term that would end after the KSB', () =>
    given(...activeKsb).when(at('2028-01-10', draftPks({ termMonths: 36 }))).thenThrows(Err.PksWouldOutliveAgreement));

  it('accepts a term that ends on the same day as the KSB', () =>
    given(...activeKsb)
      .when(at('2027-10-24', draftPks({ termMonths: 36 })))
      .then(pksDrafted({ termMonths: 36, on: '2027-10-24' })));

  it('needs an active KSB', () =>
    given(...awaitingSignatures).when(draftPks()).thenThrows(Err.AgreementNotActive));
});

describe('a PKS in drafting', () => {
  it('records its first draft as version 1', () =>
    given(...activeKsb, pksDrafted()).when(revisePks(1)).then(pksRevised(1)));

  it('numbers each revision after the last one', () =>
    given(...draftingPks).when(revisePks(2)).then(pksRevised(2)));

  it('must exist', () => given(...draftingPks).when(revisePks(1, 'pks-9')).thenThrows(Err.PksNotFound));

  it('cannot be signed before it has a document', () =>
    given(...activeKsb, pksDrafted()).when(signPks({ by: banten })).thenThrows(Err.PksDocumentMissing));

  it('records the signature of a head of region', () =>
    given(...draftingPks).when(signPks({ by: banten })).then(pksSignedBy(banten)));

  it('records the signature of an OPD head with the number of the SKK', () =>
    given(...draftingPks)
      .when(signPks({ by: bengkulu, signatory: opdHead(bengkulu) }))
      .then(pksSignedBy(bengkulu, { signatory: opdHead(bengkulu) })));

  it('refuses an OPD head signing without an SKK', () =>
    given(...draftingPks)
      .when(signPks({ by: bengkulu, signatory: opdHead(bengkulu, null) }))
      .thenThrows(Err.SkkNumberRequired));

  it('refuses a blank SKK number', () =>
    given(...draftingPks)
      .when(signPks({ by: bengkulu, signatory: opdHead(bengkulu, '  ') }))
      .thenThrows(Err.SkkNumberRequired));

  it('takes signatures only from the parties of its KSB', () =>
    given(...draftingPks).when(signPks({ by: jabar })).thenThrows(Err.NotAParty));

  it('refuses a second signature from the same party', () =>
    given(...draftingPks, pksSignedBy(banten)).when(signPks({ by: banten })).thenThrows(Err.PartyAlreadySigned));

  it('cannot be revised once a party has signed', () =>
    given(...draftingPks, pksSignedBy(banten)).when(revisePks(2)).thenThrows(Err.DraftAlreadySigned));

  it('becomes active with the last signature, from that date for its term', () =>
    given(...draftingPks, pksSignedBy(banten, { date: '2026-01-10' }))
      .when(signPks({ by: bengkulu, signatory: opdHead(bengkulu), date: '2026-01-20' }))
      .then(
        pksSignedBy(bengkulu, { signatory: opdHead(bengkulu), date: '2026-01-20' }),
        pksActivated({ from: '2026-01-20', until: '2029-01-20' }),
      ));

  it('is capped at the end of its KSB when signed late', () =>
    given(...activeKsb, pksDrafted({ on: '2027-10-24' }), pksRevised(1), pksSignedBy(banten, { date: '2027-12-01' }))
      .when(signPks({ by: bengkulu, date: '2027-12-01' }))
      .then(pksSignedBy(bengkulu, { date: '2027-12-01' }), pksActivated({ from: '2027-12-01', until: story.ksbEnd })));

  it('can be abandoned (terminated) before it is signed', () =>
    given(...draftingPks).when(terminatePks()).then(pksTerminated()));

  it.each([
    ['amended', amendPks()],
    ['extended', extendPks('2029-06-01')],
    ['expired', expirePks()],
  ])('cannot be %s before it is active', (_, command) =>
    given(...draftingPks).when(command).thenThrows(Err.PksNotActive));
});

describe('a PKS behind the DPRD gate', () => {
  it('asks the DPRD of a gated party to approve the latest draft', () =>
    given(...gated).when(requestDprdApproval(bengkulu)).then(dprdRequested(bengkulu, 1)));

  it('needs a document before the DPRD is asked', () =>
    given(...activeKsb, pksDrafted({ dprdRequiredFor: [bengkulu] }))
      .when(requestDprdApproval(bengkulu))
      .thenThrows(Err.PksDocumentMissing));

  it('does not ask the DPRD of a party the gate does not apply to', () =>
    given(...gated).when(requestDprdApproval(banten)).thenThrows(Err.DprdApprovalNotRequired));

  it('does not ask again while a decision is pending', () =>
    given(...gated, dprdRequested(bengkulu)).when(requestDprdApproval(bengkulu)).thenThrows(Err.DprdApprovalPending));

  it('records the decision of the DPRD, with its number', () =>
    given(...gated, dprdRequested(bengkulu)).when(decideDprdApproval(bengkulu)).then(dprdDecided(bengkulu)));

  it('records a refusal by the DPRD', () =>
    given(...gated, dprdRequested(bengkulu))
      .when(decideDprdApproval(bengkulu, false))
      .then(dprdDecided(bengkulu, false)));

  it('takes no decision that was not asked for', () =>
    given(...gated).when(decideDprdApproval(bengkulu)).thenThrows(Err.DprdApprovalNotRequested));

  it('does not ask again once the DPRD has approved the latest draft', () =>
    given(...gated, dprdRequested(bengkulu), dprdDecided(bengkulu))
      .when(requestDprdApproval(bengkulu))
      .thenThrows(Err.DprdAlreadyApproved));

  it('may ask again after a refusal', () =>
    given(...gated, dprdRequested(bengkulu), dprdDecided(bengkulu, false))
      .when(requestDprdApproval(bengkulu))
      .then(dprdRequested(bengkulu, 1)));

  it('refuses signatures until the DPRD has approved', () =>
    given(...gated, dprdRequested(bengkulu)).when(signPks({ by: banten })).thenThrows(Err.DprdApprovalMissing));

  it('refuses signatures after the DPRD refused', () =>
    given(...gated, dprdRequested(bengkulu), dprdDecided(bengkulu, false))
      .when(signPks({ by: bengkulu }))
      .thenThrows(Err.DprdApprovalMissing));

  it('takes signatures once the DPRD has approved', () =>
    given(...gated, dprdRequested(bengkulu), dprdDecided(bengkulu))
      .when(signPks({ by: banten }))
      .then(pksSignedBy(banten)));

  it('resets the DPRD approval when the draft is revised', () =>
    given(...gated, dprdRequested(bengkulu), dprdDecided(bengkulu), pksRevised(2)).thenState((state) => {
      if (state.stage === 'none') throw new Error('no agreement recorded');
      expect(state.pks[0].dprd).toEqual({ [bengkulu]: { status: 'not-requested' } });
    }));

  it('refuses signatures on a revision the DPRD has not approved', () =>
    given(...gated, dprdRequested(bengkulu), dprdDecided(bengkulu), pksRevised(2))
      .when(signPks({ by: banten }))
      .thenThrows(Err.DprdApprovalMissing));

  it('asks the DPRD again for the new revision', () =>
    given(...gated, dprdRequested(bengkulu), dprdDecided(bengkulu), pksRevised(2))
      .when(requestDprdApproval(bengkulu))
      .then(dprdRequested(bengkulu, 2)));

  it('drops a pending request when the draft is revised', () =>
    given(...gated, dprdRequested(bengkulu), pksRevised(2))
      .when(decideDprdApproval(bengkulu))
      .thenThrows(Err.DprdApprovalNotRequested));
});

describe('an active PKS', () => {
  it('records its validity', () =>
    given(...activePks).thenState({
      pks: [{ pksId: 'pks-1', stage: 'active', validFrom: story.today, validUntil: story.pksEnd }],
    }));

  it.each([
    ['revised', revisePks(2)],
    ['signed again', signPks({ by: banten })],
    ['sent to the DPRD', requestDprdApproval(bengkulu)],
    ['given a DPRD decision', decideDprdApproval(bengkulu)],
  ])('is no longer a draft to be %s', (_, command) =>
    given(...activePks).when(command).thenThrows(Err.PksNotInDrafting));

  it('records an addendum', () => given(...activePks).when(amendPks()).then(pksAmended(1)));

  it('numbers addenda in order', () => given(...activePks, pksAmended(1)).when(amendPks()).then(pksAmended(2)));

  it('is extended to a later end date', () =>
    given(...activePks).when(extendPks('2030-01-10')).then(pksExtended('2030-01-10')));

  it('refuses an end date that is not later than the current one', () =>
    given(...activePks).when(extendPks(story.pksEnd)).thenThrows(Err.DateNotLater));

  it('cannot be extended past the end of its KSB', () =>
    given(...activePks).when(extendPks('2030-10-25')).thenThrows(Err.PksWouldOutliveAgreement));

  it('can be extended to the end of its KSB', () =>
    given(...activePks).when(extendPks(story.ksbEnd)).then(pksExtended(story.ksbEnd)));

  it('can go further once its KSB has been extended', () =>
    given(...activePks, extended('2032-10-24', { on: '2028-06-01' }))
      .when(at('2028-06-01', extendPks('2031-06-01')))
      .then(pksExtended('2031-06-01', { on: '2028-06-01' })));

  it('bounds the new end by the PKS policy counted from today', () =>
    given(...activePks).when(under(policyWith({ pks: 36 }), extendPks('2029-06-01'))).thenThrows(Err.TermExceedsPolicy));

  it('is terminated on a ground, cancelling its own open follow-ups only', () =>
    given(...withFollowUps).when(terminatePks()).then(pksTerminated(), cancelledWithPks('tl-1')));

  it('expires at its end date, cancelling its own open follow-ups only', () =>
    given(...withFollowUps).when(expirePks()).then(pksExpired('pks-1', story.pksEnd), cancelledWithPks('tl-1')));

  it('records its end date as the day of expiry, even when recorded late', () =>
    given(...activePks).when(at('2029-02-01', expirePks())).then(pksExpired('pks-1', story.pksEnd)));

  it('does not expire before its end date', () =>
    given(...activePks).when(at('2029-01-09', expirePks())).thenThrows(Err.NotYetExpired));

  it('does not expire at its old end date once extended', () =>
    given(...activePks, pksExtended('2030-01-10')).when(expirePks()).thenThrows(Err.NotYetExpired));
});

describe('a PKS that has ended', () => {
  it('cannot be terminated again', () =>
    given(...activePks, pksTerminated()).when(terminatePks()).thenThrows(Err.PksEnded));

  it('cannot be terminated after it expired', () =>
    given(...activePks, pksExpired()).when(at('2029-02-01', terminatePks())).thenThrows(Err.PksEnded));

  it.each([
    ['amended', amendPks()],
    ['extended', extendPks('2030-01-10')],
    ['expired', expirePks()],
  ])('cannot be %s', (_, command) => given(...activePks, pksTerminated()).when(command).thenThrows(Err.PksNotActive));

  it('cannot be revised', () => given(...activePks, pksTerminated()).when(revisePks(2)).thenThrows(Err.PksNotInDrafting));

  it('ends with its KSB', () =>
    given(...activePks, terminated(), pksEndedWithAgreement()).thenState({
      pks: [{ stage: 'ended-with-agreement', endedOn: story.today }],
    }));

  it('cannot be terminated once it ended with its KSB', () =>
    given(...activePks, terminated(), pksEndedWithAgreement()).when(terminatePks()).thenThrows(Err.PksEnded));
});
