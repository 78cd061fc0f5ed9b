import type { AgreementEvent } from '../../src/agreements/domain/agreement.events';
import type { RecordedEvent } from '../../src/core/event';
import * as F from '../../test/support/agreement-fixtures';
import { banten, bengkulu, story } from '../../test/support/agreement-fixtures';
import { AGREEMENT_ID, type Envelope, recorded } from '../../test/projections/support/recorded-events';
import type { AgreementStatus } from './agreement-status';
import { agreementStatusProjection as projection } from './agreement-status.projection';

const fold = (events: readonly RecordedEvent[], from?: AgreementStatus): AgreementStatus | undefined =>
  events.reduce<AgreementStatus | undefined>((document, event) => projection.evolve(document, event), from);

/** The document after the history. */
const given = (...history: AgreementEvent[]): AgreementStatus => {
  const status = fold(recorded(history));
  if (!status) throw new Error('the history leaves no document');
  return status;
};

/** The document after `event`, recorded on `envelope`, applied to the one `history` leaves. */
const after = (history: AgreementEvent[], event: AgreementEvent, envelope: Envelope = {}): AgreementStatus => {
  const status = fold(recorded([event], envelope, history.length + 1), given(...history));
  if (!status) throw new Error('the event removed the document');
  return status;
};

const activeWithFollowUp = [...F.activeKsb, F.followUpAssigned()];

describe('the agreement-status projection', () => {
  describe('an agreement signed before Sinergi, brought in', () => {
    it('starts the document as it stands, with its source and signing dates', () =>
      expect(given(F.agreementImported())).toMatchObject({
        stage: 'active',
        parties: [F.jabar, F.sukamara],
        offer: { letterNumber: '', accepted: [F.sukamara] },
        signatures: [{ party: F.jabar, date: '2024-02-05' }, { party: F.sukamara, date: '2024-02-05' }],
        dates: { offered: '2024-02-05', signed: '2024-02-05', validUntil: '2029-02-05' },
        termMonths: 60,
        imported: { on: story.today, source: F.importSource() },
      }));

    it('records one that has ended with how it ended', () =>
      expect(given(F.agreementImported({ status: 'terminated', ending: { on: '2025-06-30', ground: 'objective-achieved', note: '' } }))).toMatchObject({
        stage: 'terminated',
        dates: { ended: '2025-06-30' },
        ending: { how: 'terminated', reason: 'objective-achieved' },
      }));

    it('adds its imported PKS, active and signed by both', () =>
      expect(after([F.agreementImported()], F.pksImported()).pks).toEqual([
        expect.objectContaining({ pksId: 'pks-1', stage: 'active', signedBy: [F.jabar, F.sukamara], validFrom: '2024-06-10', validUntil: '2027-06-10' }),
      ]));
  });

  describe('an offer', () => {
    it('starts the document with the parties, fields, offer and key dates', () =>
      expect(given(F.proposed(banten, [bengkulu]))).toEqual({
        agreementId: AGREEMENT_ID,
        title: F.proposed().data.title,
        stage: 'proposed',
        kind: 'voluntary',
        proposer: banten,
        counterparts: [bengkulu],
        parties: [banten, bengkulu],
        fields: ['potensi-daerah', 'pelayanan-publik', 'kesehatan'],
        termMonths: 60,
        offer: { letterNumber: '415.4/1234-Pem/2025', accepted: [] },
        signatures: [],
        dates: { offered: story.offered },
        amendments: 0,
        pks: [],
        followUps: [],
        visits: [],
        semesterReports: [],
        monev: [],
        lastEvent: { position: 1, type: 'AgreementProposed', occurredAt: '2025-10-24T12:00:00+07:00' },
      }));

    it('records each acceptance', () => expect(after(F.offered, F.accepted(bengkulu)).offer.accepted).toEqual([bengkulu]));

    it('ends declined, with the reason and the day of the answer', () =>
      expect(after(F.offered, F.declined(bengkulu), { on: '2025-09-20' })).toMatchObject({
        stage: 'declined',
        offer: { declined: { party: bengkulu, reason: F.declined(bengkulu).data.reason } },
        dates: { ended: '2025-09-20' },
        ending: { how: 'declined', reason: F.declined(bengkulu).data.reason },
      }));

    it('opens negotiation once every counterpart accepted', () =>
      expect(after([...F.offered, F.accepted(bengkulu)], F.negotiationOpened()).stage).toBe('negotiating'));

    it('ends withdrawn, with the reason and the day', () =>
      expect(after(F.negotiating, F.withdrawn('diganti', '2025-10-02'))).toMatchObject({
        stage: 'withdrawn',
        dates: { ended: '2025-10-02' },
        ending: { how: 'withdrawn', reason: 'diganti' },
      }));
  });

  describe('a negotiation', () => {
    it('follows the latest draft and its term, approvals reset', () =>
      expect(after([...F.withDraft, F.draftApproved(banten)], F.draftRevised(2, { termMonths: 36 }))).toMatchObject({
        stage: 'negotiating',
        termMonths: 36,
        draft: { version: 2, approvedBy: [] },
      }));

    it('records the TKKSD approvals of the draft', () =>
      expect(after(F.withDraft, F.draftApproved(banten)).draft).toEqual({ version: 1, approvedBy: [banten] }));

    it('awaits signatures once the draft is final', () =>
      expect(after([...F.withDraft, F.draftApproved(banten), F.draftApproved(bengkulu)], F.draftFinalized()).stage).toBe(
        'awaiting-signatures',
      ));

    it('records the scheduled signing day', () =>
      expect(after(F.withDraft, F.signingScheduled({ date: '2025-10-24' })).signingScheduledOn).toBe('2025-10-24'));

    it('records each signature with its date', () =>
      expect(after(F.awaitingSignatures, F.signedBy(banten, '2025-10-23')).signatures).toEqual([{ party: banten, date: '2025-10-23' }]));

    it('becomes active with the signing day and the end date', () =>
      expect(after([...F.awaitingSignatures, F.signedBy(banten), F.signedBy(bengkulu)], F.activated())).toMatchObject({
        stage: 'active',
        dates: { offered: story.offered, signed: story.signed, validUntil: story.ksbEnd },
      }));
  });

  describe('an active KSB', () => {
    it('tracks a reciprocal visit from request to schedule to visit', () => {
      const requested = after(F.activeKsb, F.visitRequested());
      expect(requested.visits).toEqual([{ visitId: 'visit-1', host: bengkulu, visitor: banten, status: 'requested', requestedOn: story.today }]);
      const scheduled = after([...F.activeKsb, F.visitRequested()], F.visitScheduled({ date: '2026-03-02' }));
      expect(scheduled.visits[0]).toMatchObject({ status: 'scheduled', date: '2026-03-02' });
      const held = after([...F.activeKsb, F.visitRequested(), F.visitScheduled()], F.visitHeld({ date: '2026-03-03' }));
      expect(held.visits[0]).toMatchObject({ status: 'held', date: '2026-03-03' });
    });

    it('records a cancelled visit', () =>
      expect(after([...F.activeKsb, F.visitRequested()], F.visitCancelled()).visits[0].status).toBe('cancelled'));

    it('records which semesters each party reported', () =>
      expect(after(F.activeKsb, F.semesterReported(banten, 2025, 2)).semesterReports).toEqual([{ party: banten, year: 2025, semester: 2 }]));

    it("keeps every monev, a late one with its own date, for the auditor's trend", () => {
      const recent = F.monevRecorded({ date: '2026-06-01', rating: 5 });
      expect(after(F.activeKsb, recent).monev).toEqual([{ date: '2026-06-01', party: banten, rating: 5, recommendation: 'continue' }]);
      expect(after([...F.activeKsb, recent], F.monevRecorded({ date: '2026-02-01', rating: 2 })).monev.map((m) => [m.date, m.rating])).toEqual([
        ['2026-06-01', 5],
        ['2026-02-01', 2],
      ]);
    });

    it('counts its addenda', () => expect(after(F.activeKsb, F.amended(1)).amendments).toBe(1));

    it('moves its end date when extended', () =>
      expect(after(F.activeKsb, F.extended('2031-10-24')).dates.validUntil).toBe('2031-10-24'));

    it('ends terminated, with the ground and the day', () =>
      expect(after(F.activeKsb, F.terminated('force-majeure', '2026-02-01'))).toMatchObject({
        stage: 'terminated',
        dates: { ended: '2026-02-01' },
        ending: { how: 'terminated', reason: 'force-majeure' },
      }));

    it('ends expired on its end date', () =>
      expect(after(F.activeKsb, F.expired())).toMatchObject({ stage: 'expired', dates: { ended: story.ksbEnd }, ending: { how: 'expired' } }));
  });

  describe('a PKS', () => {
    it('appears in drafting with its field, lead OPDs and DPRD gate', () =>
      expect(after(F.activeKsb, F.pksDrafted({ dprdRequiredFor: [bengkulu] })).pks).toEqual([
        {
          pksId: 'pks-1',
          title: 'PKS Peningkatan Pelayanan Kesehatan Rujukan',
          field: 'kesehatan',
          stage: 'drafting',
          leadOpds: F.leadOpds(),
          draftedOn: story.today,
          dprd: { [bengkulu]: 'not-requested' },
          signedBy: [],
          amendments: 0,
        },
      ]));

    const gated = [...F.activeKsb, F.pksDrafted({ dprdRequiredFor: [bengkulu] }), F.pksRevised(1)];

    it('follows its drafts, which reset the DPRD approvals', () =>
      expect(after([...gated, F.dprdRequested(bengkulu)], F.pksRevised(2)).pks[0]).toMatchObject({
        draftVersion: 2,
        dprd: { [bengkulu]: 'not-requested' },
      }));

    it('follows the DPRD approval, requested then decided', () => {
      expect(after(gated, F.dprdRequested(bengkulu)).pks[0].dprd).toEqual({ [bengkulu]: 'requested' });
      expect(after([...gated, F.dprdRequested(bengkulu)], F.dprdDecided(bengkulu, false)).pks[0].dprd).toEqual({ [bengkulu]: 'rejected' });
      expect(after([...gated, F.dprdRequested(bengkulu)], F.dprdDecided(bengkulu, true)).pks[0].dprd).toEqual({ [bengkulu]: 'approved' });
    });

    it('records who signed, then its term once active', () => {
      expect(after(F.draftingPks, F.pksSignedBy(banten)).pks[0].signedBy).toEqual([banten]);
      expect(after([...F.draftingPks, F.pksSignedBy(banten), F.pksSignedBy(bengkulu)], F.pksActivated()).pks[0]).toMatchObject({
        stage: 'active',
        validFrom: story.today,
        validUntil: story.pksEnd,
      });
    });

    it('counts its addenda and moves its end date when extended', () => {
      expect(after(F.activePks, F.pksAmended(1)).pks[0].amendments).toBe(1);
      expect(after(F.activePks, F.pksExtended('2029-06-30')).pks[0].validUntil).toBe('2029-06-30');
    });

    it.each([
      ['terminated', F.pksTerminated('pks-1', '2026-05-01'), '2026-05-01'],
      ['expired', F.pksExpired('pks-1', story.pksEnd), story.pksEnd],
      ['ended-with-agreement', F.pksEndedWithAgreement('pks-1', '2026-07-01'), '2026-07-01'],
    ] as const)('ends %s, on the day it ended', (stage, event, day) =>
      expect(after(F.activePks, event).pks[0]).toMatchObject({ stage, endedOn: day }));
  });

  describe('a follow-up', () => {
    it('appears assigned, under its PKS when it has one', () =>
      expect(after(F.activePks, F.followUpAssigned({ pksId: 'pks-1' })).followUps).toEqual([
        {
          followUpId: 'tl-1',
          pksId: 'pks-1',
          party: bengkulu,
          opd: F.healthOfficeOf(bengkulu),
          action: F.followUpAssigned().data.action,
          assignedOn: story.today,
          dueDate: story.due,
          status: 'assigned',
          percent: 0,
        },
      ]));

    it.each([
      ['is acknowledged', F.followUpAcknowledged(), { status: 'acknowledged' }],
      ['is in progress once progress is reported', F.progressReported(40), { status: 'in-progress', percent: 40 }],
      ['is completed', F.followUpCompleted(), { status: 'completed', percent: 100, completedOn: story.today }],
      ['is due later once its due date is extended', F.dueDateExtended('2026-04-30'), { dueDate: '2026-04-30', status: 'assigned' }],
      ['is cancelled', F.followUpCancelled(), { status: 'cancelled' }],
    ] as const)('%s', (_what, event, expected) => expect(after(activeWithFollowUp, event).followUps[0]).toMatchObject(expected));
  });

  describe('any event', () => {
    it('is remembered as the last event, with its position and day', () =>
      expect(after(F.activeKsb, F.monevRecorded(), { on: '2026-01-10' }).lastEvent).toEqual({
        position: F.activeKsb.length + 1,
        type: 'MonevRecorded',
        occurredAt: '2026-01-10T12:00:00+07:00',
      }));

    it('leaves the document it is given untouched', () => {
      const before = given(...activeWithFollowUp);
      const copy = structuredClone(before);
      fold(recorded([F.followUpCompleted(), F.pksDrafted(), F.terminated()], {}, 99), before);
      expect(before).toEqual(copy);
    });

    it('of an agreement whose proposal it never saw, or of another stream, changes nothing', () => {
      expect(fold(recorded([F.accepted(bengkulu)]))).toBeUndefined();
      const foreign = { ...recorded([F.proposed()])[0], streamId: 'reminders-36' };
      expect(projection.documentOf(foreign)).toBeUndefined();
      expect(projection.evolve(undefined, foreign)).toBeUndefined();
    });
  });

  describe('its stored rows', () => {
    it('index the stage, proposer, key dates, the floor of its pending deadlines, its next deadline under the defaults and last event, and list the parties and fields', () => {
      const status = given(...activeWithFollowUp);
      expect(projection.schema.rowsOf(status)).toEqual({
        columns: {
          title: status.title,
          stage: 'active',
          proposer: banten,
          offered_on: story.offered,
          valid_until: story.ksbEnd,
          // Under the lowest durations a region may set: a PKS expected one day after signing.
          deadline_floor_on: '2025-10-25',
          // Under the defaults: the report on the second semester of 2025, due 31 January.
          default_deadline_on: '2026-01-31',
          next_end_on: story.ksbEnd,
          last_position: status.lastEvent.position,
        },
        lists: {
          parties: [
            { id: banten, region: banten },
            { id: bengkulu, region: bengkulu },
          ],
          fields: ['potensi-daerah', 'pelayanan-publik', 'kesehatan'].map((field) => ({ id: field, field })),
        },
      });
    });

    it('have no earliest deadline once nothing is pending', () =>
      expect(projection.schema.rowsOf(given(...F.offered, F.declined(bengkulu))).columns).toMatchObject({ deadline_floor_on: null, default_deadline_on: null }));
  });
});
