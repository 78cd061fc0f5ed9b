import { GENESIS_HASH, eventHash } from '../../src/core/hash-chain';
import type { RecordedEvent } from '../../src/core/event';
import { storePairs } from '../support/stores';
import { TestApp } from '../support/test-app';
import {
  BANTEN,
  BENGKULU,
  bantenCoordinator,
  bantenOffersBengkulu,
  bengkuluCoordinator,
  bengkuluDinkes,
  ksbSignature,
  sha256,
} from './http-fixtures';

/**
 * The Banten (36) – Bengkulu (17) cooperation, told through the HTTP API from the offer to the expiry of the
 * KSB five years later. The steps build on each other, as the agreement's stream does.
 */
describe.each(storePairs({ kurrentDb: true }))('the Banten–Bengkulu cooperation, from offer to expiry, on $name', (pair) => {
  let app: TestApp;
  let id: string;
  const banten = () => app.as(bantenCoordinator);
  const bengkulu = () => app.as(bengkuluCoordinator);
  const dinkesBengkulu = () => app.as(bengkuluDinkes);
  const agreement = async () => (await banten().get(`/agreements/${id}`).expect(200)).body.state;
  const pks = async () => (await banten().get(`/agreements/${id}/pks/pks-1`).expect(200)).body;
  const followUp = async (followUpId: string) =>
    (await banten().get(`/agreements/${id}/follow-ups/${followUpId}`).expect(200)).body;

  const draftSha256 = sha256('KSB Banten–Bengkulu, draft version 1');
  const pksSha256 = sha256('PKS pelayanan kesehatan Banten–Bengkulu, draft version 1');
  const referralEvidence = sha256('alur rujukan pasien antarprovinsi, notulen rapat');
  const completionEvidence = sha256('SK bersama alur rujukan pasien, ditandatangani');

  beforeAll(async () => {
    app = await TestApp.start({ now: '2025-09-01T02:00:00.000Z', ...(await pair.stores()) });
  }, 60_000);
  afterAll(() => app.close());

  describe('the KSB', () => {
    it('is proposed by Banten to Bengkulu in three fields, for 60 months', async () => {
      const { body } = await banten().post('/agreements', bantenOffersBengkulu).expect(201);
      id = body.agreementId;
      expect(body).toMatchObject({ revision: 0, replayed: false, events: [{ type: 'AgreementProposed', revision: 0 }] });

      expect(await agreement()).toMatchObject({
        stage: 'proposed',
        agreementId: id,
        proposer: BANTEN,
        counterparts: [BENGKULU],
        parties: [BANTEN, BENGKULU],
        fields: ['potensi daerah', 'pelayanan publik', 'kesehatan'],
        offerLetter: { number: '415.4/1021-Pem/2025', date: '2025-09-01' },
        termMonths: 60,
      });
    });

    it('goes into negotiation when Bengkulu accepts, dated by its acceptance letter', async () => {
      app.clock.set('2025-09-15T03:00:00.000Z');
      const { body } = await bengkulu()
        .post(`/agreements/${id}/acceptances`, { party: BENGKULU, occurredAt: '2025-09-12T02:00:00.000Z' })
        .expect(200);
      expect(body.events).toEqual([
        { type: 'OfferAccepted', revision: 1 },
        { type: 'NegotiationOpened', revision: 2 },
      ]);
      expect(await agreement()).toMatchObject({ stage: 'negotiating', accepted: [BENGKULU] });
    });

    it('gets a first draft, identified by the SHA-256 of its document', async () => {
      app.clock.set('2025-10-01T03:00:00.000Z');
      const { body } = await banten()
        .post(`/agreements/${id}/drafts`, { documentSha256: draftSha256, summary: 'Naskah awal hasil rapat TKKSD' })
        .expect(201);
      expect(body).toMatchObject({ version: 1, revision: 3 });
      expect(await agreement()).toMatchObject({
        draft: { version: 1, documentSha256: draftSha256, summary: 'Naskah awal hasil rapat TKKSD' },
        approvals: [],
      });
    });

    it('awaits signatures once the TKKSD of both provinces approve the draft', async () => {
      app.clock.set('2025-10-08T03:00:00.000Z');
      await banten().post(`/agreements/${id}/drafts/1/approvals`, { party: BANTEN }).expect(200);
      expect(await agreement()).toMatchObject({ stage: 'negotiating', approvals: [BANTEN] });

      const { body } = await bengkulu().post(`/agreements/${id}/drafts/1/approvals`, { party: BENGKULU }).expect(200);
      expect(body.events.map((e: { type: string }) => e.type)).toEqual(['DraftApproved', 'DraftFinalized']);
      expect(await agreement()).toMatchObject({ stage: 'awaiting-signatures', approvals: [BANTEN, BENGKULU] });
    });

    it('is scheduled for signing at the Pendopo Gubernur Banten', async () => {
      const schedule = { date: '2025-10-24', place: 'Pendopo Gubernur Banten, KP3B, Serang', mode: 'ceremonial' };
      await banten().post(`/agreements/${id}/signing-schedule`, schedule).expect(200);
      expect((await agreement()).signingSchedule).toEqual(schedule);
    });

    it('becomes active for 60 months when Gubernur Helmi Hasan signs after Gubernur Andra Soni', async () => {
      app.clock.set('2025-10-24T03:00:00.000Z');
      await banten().post(`/agreements/${id}/signatures`, ksbSignature(BANTEN)).expect(200);
      expect(await agreement()).toMatchObject({ stage: 'awaiting-signatures' });

      const { body } = await bengkulu().post(`/agreements/${id}/signatures`, ksbSignature(BENGKULU)).expect(200);
      expect(body.events.map((e: { type: string }) => e.type)).toEqual(['AgreementSigned', 'AgreementActivated']);
      const state = await agreement();
      expect(state).toMatchObject({ stage: 'active', validFrom: '2025-10-24', validUntil: '2030-10-24', termMonths: 60 });
      expect(state.signatures[BANTEN]).toEqual({
        signatory: { name: 'Andra Soni', position: 'Gubernur Banten' },
        documentNumber: '120/45-KSB/2025',
        date: '2025-10-24',
        place: 'Pendopo Gubernur Banten, KP3B, Serang',
      });
      expect(state.signatures[BENGKULU].signatory).toEqual({ name: 'Helmi Hasan', position: 'Gubernur Bengkulu' });
    });
  });

  describe('the health PKS', () => {
    it('is drafted for the field of health, led by the Dinas Kesehatan of each province', async () => {
      app.clock.set('2025-11-10T03:00:00.000Z');
      const { body } = await banten()
        .post(`/agreements/${id}/pks`, {
          field: 'kesehatan',
          title: 'Perjanjian Kerja Sama Pelayanan Kesehatan',
          leadOpds: [
            { party: BANTEN, opd: 'Dinas Kesehatan Provinsi Banten' },
            { party: BENGKULU, opd: 'Dinas Kesehatan Provinsi Bengkulu' },
          ],
          termMonths: 59,
          dprdRequiredFor: [BENGKULU],
        })
        .expect(201);
      expect(body.pksId).toBe('pks-1');
      expect(await pks()).toMatchObject({
        pksId: 'pks-1',
        stage: 'drafting',
        field: 'kesehatan',
        draftedOn: '2025-11-10',
        dprd: { [BENGKULU]: { status: 'not-requested' } },
      });
    });

    it('goes to the DPRD of Bengkulu with its document, and is approved there', async () => {
      app.clock.set('2025-11-17T03:00:00.000Z');
      const revised = await banten()
        .post(`/agreements/${id}/pks/pks-1/revisions`, { documentSha256: pksSha256, summary: 'Naskah PKS' })
        .expect(201);
      expect(revised.body.version).toBe(1);
      await bengkulu().post(`/agreements/${id}/pks/pks-1/dprd-requests`, { party: BENGKULU }).expect(200);
      expect((await pks()).dprd).toEqual({ [BENGKULU]: { status: 'requested' } });

      app.clock.set('2025-12-01T03:00:00.000Z');
      const decision = { party: BENGKULU, approved: true, decisionNumber: '12/KPTS/DPRD/2025', note: 'Disetujui rapat paripurna' };
      await bengkulu().post(`/agreements/${id}/pks/pks-1/dprd-decisions`, decision).expect(200);
      expect((await pks()).dprd).toEqual({
        [BENGKULU]: { status: 'approved', decisionNumber: '12/KPTS/DPRD/2025', note: 'Disetujui rapat paripurna' },
      });
    });

    it('becomes active, never past its KSB, once signed by an OPD head with an SKK and by a head of region', async () => {
      app.clock.set('2025-12-15T03:00:00.000Z');
      const opdHead = {
        name: 'dr. Rahmat Hidayat',
        position: 'Kepala Dinas Kesehatan Provinsi Banten',
        capacity: 'opd-head',
        skkNumber: 'SKK 800/112-Dinkes/2025',
      };
      const bantenSigns = { party: BANTEN, signatory: opdHead, documentNumber: '445/88-Dinkes/2025', date: '2025-12-15' };
      await banten().post(`/agreements/${id}/pks/pks-1/signatures`, bantenSigns).expect(200);

      const governor = { name: 'Helmi Hasan', position: 'Gubernur Bengkulu', capacity: 'head-of-region' };
      const bengkuluSigns = { party: BENGKULU, signatory: governor, documentNumber: '445/21/B.1/2025', date: '2025-12-15' };
      const { body } = await bengkulu().post(`/agreements/${id}/pks/pks-1/signatures`, bengkuluSigns).expect(200);
      expect(body.events.map((e: { type: string }) => e.type)).toEqual(['PksSigned', 'PksActivated']);

      const signed = await pks();
      // 59 months from 2025-12-15 would run to 2030-11-15: the PKS is capped at the KSB's end.
      expect(signed).toMatchObject({ stage: 'active', validFrom: '2025-12-15', validUntil: '2030-10-24' });
      expect(signed.signatures[BANTEN].signatory.skkNumber).toBe('SKK 800/112-Dinkes/2025');
    });
  });

  describe('the follow-ups', () => {
    it('are assigned to one OPD of one party by that party, each with its own id', async () => {
      app.clock.set('2026-01-05T03:00:00.000Z');
      const referral = await bengkulu()
        .post(`/agreements/${id}/follow-ups`, {
          pksId: 'pks-1',
          party: BENGKULU,
          opd: 'Dinas Kesehatan Provinsi Bengkulu',
          action: 'Menyusun alur rujukan pasien antarprovinsi',
          dueDate: '2026-06-30',
        })
        .expect(201);
      const dataExchange = await banten()
        .post(`/agreements/${id}/follow-ups`, {
          party: BANTEN,
          opd: 'Dinas Kesehatan Provinsi Banten',
          action: 'Menyiapkan pertukaran data layanan kesehatan',
          dueDate: '2026-12-31',
        })
        .expect(201);
      expect([referral.body.followUpId, dataExchange.body.followUpId]).toEqual(['tl-1', 'tl-2']);
      expect(await followUp('tl-1')).toMatchObject({ status: 'assigned', pksId: 'pks-1', party: BENGKULU, assignedOn: '2026-01-05' });
    });

    it('one is acknowledged, reported on and completed with evidence by the Dinas Kesehatan of Bengkulu', async () => {
      app.clock.set('2026-01-07T03:00:00.000Z');
      await dinkesBengkulu().post(`/agreements/${id}/follow-ups/tl-1/acknowledgement`, {}).expect(200);
      expect(await followUp('tl-1')).toMatchObject({ status: 'acknowledged' });

      app.clock.set('2026-03-02T03:00:00.000Z');
      await dinkesBengkulu()
        .post(`/agreements/${id}/follow-ups/tl-1/progress`, { percent: 50, note: 'Draf alur rujukan dibahas', evidence: [referralEvidence] })
        .expect(200);
      expect(await followUp('tl-1')).toMatchObject({ status: 'in-progress', percent: 50 });

      app.clock.set('2026-05-20T03:00:00.000Z');
      await dinkesBengkulu()
        .post(`/agreements/${id}/follow-ups/tl-1/completion`, { note: 'Alur rujukan berlaku', evidence: [completionEvidence] })
        .expect(200);
      expect(await followUp('tl-1')).toMatchObject({
        status: 'completed',
        percent: 100,
        evidence: [referralEvidence, completionEvidence],
        completedOn: '2026-05-20',
      });
    });

    it('the other gets more time with a reason, which the event records', async () => {
      app.clock.set('2026-05-25T03:00:00.000Z');
      await banten()
        .post(`/agreements/${id}/follow-ups/tl-2/due-date`, { dueDate: '2027-06-30', reason: 'Menunggu integrasi SIMRS' })
        .expect(200);
      expect(await followUp('tl-2')).toMatchObject({ status: 'assigned', dueDate: '2027-06-30' });
    });
  });

  describe('the reciprocal visit', () => {
    it('is asked by Bengkulu of Banten, scheduled and held', async () => {
      app.clock.set('2026-06-01T03:00:00.000Z');
      const { body } = await bengkulu()
        .post(`/agreements/${id}/visits`, { host: BENGKULU, visitor: BANTEN, purpose: 'Kunjungan balasan ke Bengkulu' })
        .expect(201);
      expect(body.visitId).toBe('visit-1');

      app.clock.set('2026-06-10T03:00:00.000Z');
      const delegation = ['Gubernur Banten', 'Kepala Dinas Kesehatan Provinsi Banten'];
      await bengkulu().post(`/agreements/${id}/visits/visit-1/schedule`, { date: '2026-07-15', delegation }).expect(200);

      app.clock.set('2026-07-16T03:00:00.000Z');
      const outcomes = ['Rujukan pasien antarprovinsi diperluas ke RSUD kabupaten'];
      await bengkulu()
        .post(`/agreements/${id}/visits/visit-1/report`, { date: '2026-07-15', summary: 'Kunjungan ke RSUD M. Yunus', outcomes })
        .expect(200);
      expect((await banten().get(`/agreements/${id}/visits/visit-1`).expect(200)).body).toMatchObject({
        host: BENGKULU,
        visitor: BANTEN,
        status: 'held',
        date: '2026-07-15',
        delegation,
        outcomes,
      });
    });
  });

  describe('the reporting', () => {
    it('records a semester report and a monev', async () => {
      app.clock.set('2026-07-20T03:00:00.000Z');
      const summary = 'PKS kesehatan aktif; rujukan pasien berjalan';
      const report = { party: BANTEN, year: 2026, semester: 1, summary, documentSha256: sha256('laporan S1 2026') };
      await banten().post(`/agreements/${id}/semester-reports`, report).expect(200);

      app.clock.set('2026-10-20T03:00:00.000Z');
      const monev = { party: BENGKULU, date: '2026-10-20', rating: 4, recommendation: 'continue', note: 'Rujukan berjalan' };
      await bengkulu().post(`/agreements/${id}/monev`, monev).expect(200);

      const state = await agreement();
      expect(state.semesterReports).toEqual([{ ...report, on: '2026-07-20' }]);
      expect(state.monev).toEqual({ [BENGKULU]: monev });
    });
  });

  describe('on 24 October 2030', () => {
    it('cannot be recorded as expired the evening before, Jakarta time', async () => {
      app.clock.set('2030-10-23T16:00:00.000Z');
      const { body } = await banten().post(`/agreements/${id}/expiry`, {}).expect(409);
      expect(body.rule).toBe('NotYetExpired');
    });

    it('expires: the PKS ends with it and the open follow-up is cancelled, in one append', async () => {
      app.clock.set('2030-10-24T01:00:00.000Z');
      const { body } = await banten().post(`/agreements/${id}/expiry`, {}).expect(200);
      expect(body.events.map((e: { type: string }) => e.type)).toEqual([
        'AgreementExpired',
        'PksEndedWithAgreement',
        'FollowUpCancelled',
      ]);

      const state = await agreement();
      expect(state).toMatchObject({ stage: 'expired', endedOn: '2030-10-24' });
      expect(await pks()).toMatchObject({ stage: 'ended-with-agreement', endedOn: '2030-10-24' });
      expect(await followUp('tl-2')).toMatchObject({ status: 'cancelled' });
      expect(await followUp('tl-1')).toMatchObject({ status: 'completed' });
    });
  });

  describe('the recorded history', () => {
    let history: RecordedEvent[];
    beforeAll(async () => {
      history = (await banten().get(`/agreements/${id}/events`).expect(200)).body;
    });

    it('holds every step in order, with who recorded it and when', () => {
      const ledger = history.map((e) => [e.revision, e.type, e.metadata.actor.userId, e.metadata.recordedAt]);
      const banten = bantenCoordinator.userId;
      const bengkulu = bengkuluCoordinator.userId;
      const dinkes = bengkuluDinkes.userId;
      expect(ledger).toEqual([
        [0, 'AgreementProposed', banten, '2025-09-01T02:00:00.000Z'],
        [1, 'OfferAccepted', bengkulu, '2025-09-15T03:00:00.000Z'],
        [2, 'NegotiationOpened', bengkulu, '2025-09-15T03:00:00.000Z'],
        [3, 'DraftRevised', banten, '2025-10-01T03:00:00.000Z'],
        [4, 'DraftApproved', banten, '2025-10-08T03:00:00.000Z'],
        [5, 'DraftApproved', bengkulu, '2025-10-08T03:00:00.000Z'],
        [6, 'DraftFinalized', bengkulu, '2025-10-08T03:00:00.000Z'],
        [7, 'SigningScheduled', banten, '2025-10-08T03:00:00.000Z'],
        [8, 'AgreementSigned', banten, '2025-10-24T03:00:00.000Z'],
        [9, 'AgreementSigned', bengkulu, '2025-10-24T03:00:00.000Z'],
        [10, 'AgreementActivated', bengkulu, '2025-10-24T03:00:00.000Z'],
        [11, 'PksDrafted', banten, '2025-11-10T03:00:00.000Z'],
        [12, 'PksRevised', banten, '2025-11-17T03:00:00.000Z'],
        [13, 'PksDprdApprovalRequested', bengkulu, '2025-11-17T03:00:00.000Z'],
        [14, 'PksDprdApprovalDecided', bengkulu, '2025-12-01T03:00:00.000Z'],
        [15, 'PksSigned', banten, '2025-12-15T03:00:00.000Z'],
        [16, 'PksSigned', bengkulu, '2025-12-15T03:00:00.000Z'],
        [17, 'PksActivated', bengkulu, '2025-12-15T03:00:00.000Z'],
        [18, 'FollowUpAssigned', bengkulu, '2026-01-05T03:00:00.000Z'],
        [19, 'FollowUpAssigned', banten, '2026-01-05T03:00:00.000Z'],
        [20, 'FollowUpAcknowledged', dinkes, '2026-01-07T03:00:00.000Z'],
        [21, 'FollowUpProgressReported', dinkes, '2026-03-02T03:00:00.000Z'],
        [22, 'FollowUpCompleted', dinkes, '2026-05-20T03:00:00.000Z'],
        [23, 'FollowUpDueDateExtended', banten, '2026-05-25T03:00:00.000Z'],
        [24, 'ReciprocalVisitRequested', bengkulu, '2026-06-01T03:00:00.000Z'],
        [25, 'ReciprocalVisitScheduled', bengkulu, '2026-06-10T03:00:00.000Z'],
        [26, 'ReciprocalVisitHeld', bengkulu, '2026-07-16T03:00:00.000Z'],
        [27, 'SemesterReportSubmitted', banten, '2026-07-20T03:00:00.000Z'],
        [28, 'MonevRecorded', bengkulu, '2026-10-20T03:00:00.000Z'],
        [29, 'AgreementExpired', banten, '2030-10-24T01:00:00.000Z'],
        [30, 'PksEndedWithAgreement', banten, '2030-10-24T01:00:00.000Z'],
        [31, 'FollowUpCancelled', banten, '2030-10-24T01:00:00.000Z'],
      ]);
    });

    it('records the acting user from the verified token, with the OPD of a dinas officer', () => {
      expect(history[0].metadata.actor).toEqual(bantenCoordinator);
      expect(history.find((e) => e.type === 'FollowUpAcknowledged')?.metadata.actor).toEqual({
        userId: 'dinkes@bengkuluprov.go.id',
        role: 'dinas-officer',
        region: BENGKULU,
        opd: 'Dinas Kesehatan Provinsi Bengkulu',
      });
    });

    it('keeps when a step happened apart from when it was recorded', () => {
      const recordedLate = history.filter((e) => e.metadata.occurredAt !== e.metadata.recordedAt);
      expect(recordedLate.map((e) => [e.type, e.metadata.occurredAt])).toEqual([
        ['OfferAccepted', '2025-09-12T02:00:00.000Z'],
        ['NegotiationOpened', '2025-09-12T02:00:00.000Z'],
      ]);
    });

    it('records the reason a user gave', () => {
      const withReason = history.filter((e) => e.metadata.reason !== undefined);
      expect(withReason.map((e) => [e.type, e.metadata.reason])).toEqual([['FollowUpDueDateExtended', 'Menunggu integrasi SIMRS']]);
    });

    it('never records an event before the one it follows', () => {
      const recordedAt = history.map((e) => e.metadata.recordedAt);
      expect(recordedAt).toEqual([...recordedAt].sort());
    });

    it('chains every event to the one before it by hash', () => {
      expect(history[0].previousHash).toBe(GENESIS_HASH);
      history.slice(1).forEach((event, i) => expect(event.previousHash).toBe(history[i].hash));
      history.forEach((event) => expect(eventHash(event)).toBe(event.hash));
    });
  });
});
