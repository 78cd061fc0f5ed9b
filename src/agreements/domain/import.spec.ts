import {
  agreementImported,
  at,
  diskominfotikOf,
  draftPks,
  expire,
  extend,
  extended,
  followUpAssigned,
  importAgreement,
  importPks,
  jabar,
  kabBandung,
  pksImported,
  sukamara,
  story,
  terminate,
} from '../../../test/support/agreement-fixtures';
import { specFor } from '../../../test/support/given-when-then';
import { agreementDecider } from './agreement.decider';
import * as Err from './agreement.errors';
import { isInForce } from './agreement.state';

const { given } = specFor(agreementDecider);

const spbeFollowUp = { party: sukamara, opd: diskominfotikOf(sukamara), action: 'menyusun peta rencana SPBE', dueDate: '2025-12-31' };

describe('a KSB signed before Sinergi, brought in', () => {
  it('is recorded as it stands, valid from its last signature, with its source', () =>
    given().when(importAgreement()).then(agreementImported()));

  it('is active from then on, with its parties, signatures and end date', () =>
    given(agreementImported()).thenState({
      stage: 'active',
      parties: [jabar, sukamara],
      validFrom: '2024-02-05',
      validUntil: '2029-02-05',
      signatures: { [jabar]: { documentNumber: `${jabar}/KSB/2024` } },
      imported: { on: story.today, source: { kind: 'spreadsheet', row: 2 } },
    }));

  it('brings its open follow-ups along, numbered after it', () =>
    given()
      .when(importAgreement({ openFollowUps: [spbeFollowUp] }))
      .then(agreementImported(), followUpAssigned({ followUpId: 'tl-1', ...spbeFollowUp })));

  it('records one that already ended on its end date as expired', () =>
    given()
      .when(importAgreement({ validUntil: '2025-02-05', status: 'expired' }))
      .then(agreementImported({ validUntil: '2025-02-05', status: 'expired', ending: { on: '2025-02-05', note: '' } })));

  it('records one ended early as terminated, with its ground', () => {
    const ending = { on: '2025-06-30', ground: 'objective-achieved' as const, note: 'tujuan tercapai' };
    given()
      .when(importAgreement({ status: 'terminated', ending }))
      .then(agreementImported({ status: 'terminated', ending }));
  });

  it('refuses one already recorded', () => given(agreementImported()).when(importAgreement()).thenThrows(Err.AgreementAlreadyExists));

  it('refuses a party without a signature', () =>
    given()
      .when(importAgreement({ signatures: agreementImported().data.signatures.slice(0, 1) }))
      .thenThrows(Err.SignatureMissing));

  it('refuses a signature by a region that is not a party', () => {
    const [first, second] = agreementImported().data.signatures;
    given()
      .when(importAgreement({ signatures: [first, { ...second, party: kabBandung }] }))
      .thenThrows(Err.NotAParty);
  });

  it('refuses a signature after today', () => {
    const [first, second] = agreementImported().data.signatures;
    given()
      .when(importAgreement({ signatures: [first, { ...second, date: '2026-02-01' }] }))
      .thenThrows(Err.DateInFuture);
  });

  it('refuses an end date before its last signature', () =>
    given().when(importAgreement({ validUntil: '2024-01-01' })).thenThrows(Err.DateNotLater));

  it('refuses "active" for one past its end date, and "expired" for one still running', () => {
    given().when(importAgreement({ validUntil: '2025-02-05' })).thenThrows(Err.ImportedStatusContradictsDates);
    given().when(importAgreement({ status: 'expired' })).thenThrows(Err.ImportedStatusContradictsDates);
  });

  it('refuses "terminated" without its ground', () =>
    given().when(importAgreement({ status: 'terminated', ending: { on: '2025-06-30', note: '' } })).thenThrows(Err.TerminationGroundRequired));

  it('refuses open follow-ups under one that has ended', () =>
    given()
      .when(importAgreement({ validUntil: '2025-02-05', status: 'expired', openFollowUps: [spbeFollowUp] }))
      .thenThrows(Err.OpenFollowUpUnderEndedAgreement));

  it('refuses a region as its own counterpart, and no field of cooperation', () => {
    given().when(importAgreement({ counterparts: [jabar] })).thenThrows(Err.CounterpartIsProposer);
    given().when(importAgreement({ fields: [] })).thenThrows(Err.NoFieldOfCooperation);
  });
});

describe('a PKS signed before Sinergi, brought in under its KSB', () => {
  it('is recorded under the next PKS number, active, with its lead OPDs', () =>
    given(agreementImported()).when(importPks()).then(pksImported()));

  it('brings its open follow-ups along, under the PKS', () =>
    given(agreementImported())
      .when(importPks({ openFollowUps: [spbeFollowUp] }))
      .then(pksImported(), followUpAssigned({ followUpId: 'tl-1', pksId: 'pks-1', ...spbeFollowUp })));

  it('refuses one already recorded with the same document numbers', () =>
    given(agreementImported(), pksImported()).when(importPks()).thenThrows(Err.PksAlreadyRecorded));

  it('refuses one whose KSB is not in Sinergi', () => given().when(importPks()).thenThrows(Err.AgreementNotFound));

  it('refuses one ending after its KSB', () =>
    given(agreementImported()).when(importPks({ validUntil: '2030-01-01' })).thenThrows(Err.PksWouldOutliveAgreement));

  it('refuses one signed before its KSB took effect', () => {
    const signatures = pksImported().data.signatures.map((s) => ({ ...s, date: '2024-01-10' }));
    given(agreementImported()).when(importPks({ signatures })).thenThrows(Err.PksSignedBeforeAgreement);
  });

  it('refuses a field that is not one of its KSB', () =>
    given(agreementImported()).when(importPks({ field: 'pariwisata' })).thenThrows(Err.FieldNotInAgreement));

  it('refuses an OPD head signing without an SKK number', () => {
    const signatures = pksImported().data.signatures.map((s) => ({ ...s, signatory: { ...s.signatory, skkNumber: '' } }));
    given(agreementImported()).when(importPks({ signatures })).thenThrows(Err.SkkNumberRequired);
  });

  it('refuses an active one under a KSB that has ended', () =>
    given(agreementImported({ status: 'terminated', ending: { on: '2025-06-30', ground: 'agreed-by-parties', note: 'disepakati' } }))
      .when(importPks())
      .thenThrows(Err.AgreementNotActive));
});

describe('an imported KSB from then on', () => {
  it('derives a PKS like any other', () =>
    given(agreementImported()).when(draftPks({ field: 'spbe', leadOpds: [jabar, sukamara].map((party) => ({ party, opd: diskominfotikOf(party) })) })).thenState((state) => {
      if (state.stage === 'none') throw new Error('no agreement recorded');
      expect(state.pks.map((p) => p.stage)).toEqual(['drafting']);
    }));

  it('is extended like any other', () =>
    given(agreementImported()).when(extend('2030-02-05')).then(extended('2030-02-05', { from: '2029-02-05' })));

  it('ends its imported PKS when it is terminated', () =>
    given(agreementImported(), pksImported()).when(terminate()).thenState({ stage: 'terminated', pks: [{ stage: 'ended-with-agreement' }] }));

  it('expires at its end date', () =>
    given(agreementImported(), pksImported({ validUntil: '2027-06-10' }))
      .when(at('2029-02-05', expire()))
      .thenState((state) => {
        expect(state.stage).toBe('expired');
        if (!isInForce(state)) throw new Error('not an agreement in force');
        expect(state.endedOn).toBe('2029-02-05');
      }));
});
