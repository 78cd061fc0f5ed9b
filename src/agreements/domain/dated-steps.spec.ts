import {
  accept,
  activeKsb,
  at,
  awaitingSignatures,
  banten,
  bengkulu,
  draftingPks,
  monevRecorded,
  offered,
  recordMonev,
  requestVisit,
  sign,
  signedBy,
  signPks,
  story,
} from '../../../test/support/agreement-fixtures';
import { specFor } from '../../../test/support/given-when-then';
import { agreementDecider } from './agreement.decider';
import * as Err from './agreement.errors';

const { given } = specFor(agreementDecider);

describe('a step dated before the offer', () => {
  it('is refused: nothing of an agreement happens before its offer letter', () =>
    given(...offered).when(at('2025-08-31', accept(bengkulu))).thenThrows(Err.StepBeforeItsPrerequisite));

  it('is taken from the day of the offer letter on', () =>
    given(...offered).when(at(story.offered, accept(bengkulu))).thenState({ accepted: [bengkulu] }));
});

describe('a signature of the KSB', () => {
  it('is refused when dated before every TKKSD approved the draft', () =>
    given(...awaitingSignatures).when(sign({ by: banten, on: '2025-09-30' })).thenThrows(Err.StepBeforeItsPrerequisite));

  it('is refused when dated after the day it is recorded as happening', () =>
    given(...awaitingSignatures).when(at(story.signed, sign({ by: banten, on: '2025-10-25' }))).thenThrows(Err.StepDatedInFuture));

  it('is taken on the day of the approval itself', () =>
    given(...awaitingSignatures).when(sign({ by: banten, on: story.drafting })).then(signedBy(banten, story.drafting)));
});

describe('a step of an active KSB', () => {
  it('is refused on a day before the KSB took effect', () =>
    given(...activeKsb).when(at('2025-10-23', requestVisit())).thenThrows(Err.StepBeforeItsPrerequisite));

  it('refuses a monev dated before the KSB was active', () =>
    given(...activeKsb).when(recordMonev({ date: '2025-10-01' })).thenThrows(Err.StepBeforeItsPrerequisite));

  it('refuses a monev dated after the day it is recorded', () =>
    given(...activeKsb).when(recordMonev({ date: '2026-01-11' })).thenThrows(Err.StepDatedInFuture));

  it('records a monev held on the day the KSB took effect', () =>
    given(...activeKsb).when(recordMonev({ date: story.signed })).then(monevRecorded({ date: story.signed })));
});

describe('a signature of a PKS', () => {
  it('is refused when dated before its draft', () =>
    given(...draftingPks).when(signPks({ by: banten, date: '2026-01-09' })).thenThrows(Err.StepBeforeItsPrerequisite));
});
