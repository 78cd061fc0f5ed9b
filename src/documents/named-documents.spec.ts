import type { AgreementEvent } from '../agreements/domain/agreement.events';
import type { RecordedEvent } from '../core/event';
import { documentsNamedIn } from './named-documents';

const sha = (digit: string) => digit.repeat(64);

/** Events as the store hands them back; only their type, data, revision and occurred-at matter here. */
function history(...events: AgreementEvent[]): RecordedEvent[] {
  return events.map((event, revision) => ({
    ...event,
    id: `e-${revision}`,
    streamId: 'agreement-1',
    revision,
    position: revision + 1,
    schemaVersion: 1,
    metadata: { actor: { userId: 'u', role: 'coordinator', region: '36' }, occurredAt: '2025-10-24T02:00:00.000Z', recordedAt: '2025-10-24T02:00:00.000Z', correlationId: 'c', causationId: 'c' },
    hash: '',
    previousHash: '',
  }));
}

const signatory = { name: 'Andra Soni', position: 'Gubernur Banten' };

describe('the documents an agreement names', () => {
  it('are the drafts, addenda, reports and evidence, and the offer letter, signed copies, visit reports and monev when they carry a SHA-256', () => {
    const named = documentsNamedIn(
      history(
        {
          type: 'AgreementProposed',
          data: {
            agreementId: '1', proposer: '36', counterparts: ['17'], title: 'KSB', fields: ['kesehatan'], scope: 'x', kind: 'voluntary',
            offerLetter: { number: '415.4/1021-Pem/2025', date: '2025-09-01', documentSha256: sha('0') }, termMonths: 60,
          },
        },
        { type: 'DraftRevised', data: { version: 1, documentSha256: sha('1'), summary: 'draf', termMonths: 60 } },
        { type: 'AgreementSigned', data: { party: '36', signatory, documentNumber: '1', date: '2025-10-24', place: 'Serang', documentSha256: sha('2') } },
        { type: 'AgreementSigned', data: { party: '17', signatory, documentNumber: '2', date: '2025-10-24', place: 'Serang' } },
        { type: 'PksSigned', data: { pksId: 'pks-1', party: '17', signatory: { ...signatory, capacity: 'head-of-region' }, documentNumber: '3', date: '2025-11-01', documentSha256: sha('3') } },
        { type: 'ReciprocalVisitHeld', data: { visitId: 'visit-1', date: '2026-02-10', summary: 'kunjungan', outcomes: [], documentSha256: sha('4') } },
        { type: 'MonevRecorded', data: { party: '36', date: '2026-10-01', rating: 4, recommendation: 'continue', note: 'baik', documentSha256: sha('5') } },
        { type: 'FollowUpCompleted', data: { followUpId: 'tl-1', note: 'selesai', evidence: [sha('6'), sha('1')], on: '2026-03-01' } },
      ),
    );

    expect([...named].map(([hash, steps]) => [hash[0], steps.map((s) => `${s.role} ${s.subject} ${s.label} #${s.revision}`)])).toEqual([
      ['0', ['offer-letter KSB 415.4/1021-Pem/2025 #0']],
      ['1', ['draft KSB v1 #1', 'follow-up-evidence tl-1 completed #7']],
      ['2', ['signed-ksb KSB 36 #2']],
      ['3', ['signed-pks pks-1 17 #4']],
      ['4', ['visit-report visit-1 2026-02-10 #5']],
      ['5', ['monev KSB 36 2026-10-01 #6']],
      ['6', ['follow-up-evidence tl-1 completed #7']],
    ]);
  });
});
