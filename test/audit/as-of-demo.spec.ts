import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addDays } from '../../src/agreements/domain/dates';
import type { AgreementState } from '../../src/agreements/domain/agreement.state';
import { agreementAsOf, agreementChanges, readAgreementHistory } from '../../src/audit/agreement-audit';
import type { RecordedEvent } from '../../src/core/event';
import { SqliteEventStore } from '../../src/infrastructure/sqlite/sqlite.event-store';
import { loadDemoStore } from '../support/demo-store';

/** What an auditor checks first about an agreement on a given day. */
function summary(state: AgreementState): Summary {
  if (state.stage === 'none') return before;
  return {
    stage: state.stage,
    accepted: state.accepted,
    draft: state.draft?.version ?? null,
    approvals: state.approvals,
    signingScheduled: state.signingSchedule?.date ?? null,
    // Sorted: an object keeps integer-like keys (region codes such as 36) in numeric order, not signing order.
    signed: Object.keys(state.signatures).sort(),
    pks: state.pks.map((p) => `${p.pksId} ${p.stage} v${p.draft?.version ?? 0} signed by ${Object.keys(p.signatures).sort().join('+') || 'none'}`),
    followUps: state.followUps.map((f) => `${f.followUpId} ${f.status} ${f.percent}%`),
    visits: state.visits.map((v) => `${v.visitId} ${v.status}`),
    semesterReports: state.semesterReports.length,
  };
}
type Summary = {
  stage: AgreementState['stage'];
  accepted: string[];
  draft: number | null;
  approvals: string[];
  signingScheduled: string | null;
  signed: string[];
  pks: string[];
  followUps: string[];
  visits: string[];
  semesterReports: number;
};

const before: Summary = {
  stage: 'none',
  accepted: [],
  draft: null,
  approvals: [],
  signingScheduled: null,
  signed: [],
  pks: [],
  followUps: [],
  visits: [],
  semesterReports: 0,
};

/** The Banten–Bengkulu seed story, day by day: each step, and how the agreement stood at the end of that day. */
const STEPS: [day: string, step: string, change: Partial<Summary>][] = [
  ['2025-09-15', 'Bengkulu proposes', { stage: 'proposed' }],
  ['2025-09-29', 'Banten accepts', { stage: 'negotiating', accepted: ['36'] }],
  ['2025-10-06', 'a first draft', { draft: 1 }],
  ['2025-10-13', 'the TKKSD of Banten approves', { approvals: ['36'] }],
  ['2025-10-14', 'the TKKSD of Bengkulu approves', { stage: 'awaiting-signatures', approvals: ['36', '17'] }],
  ['2025-10-15', 'the signing is scheduled', { signingScheduled: '2025-10-24' }],
  ['2025-10-24', 'both governors sign; Bengkulu asks for a visit', { stage: 'active', signed: ['17', '36'], visits: ['visit-1 requested'] }],
  ['2026-01-15', 'the health PKS is drafted', { pks: ['pks-1 drafting v0 signed by none'] }],
  ['2026-02-02', 'the PKS gets its document', { pks: ['pks-1 drafting v1 signed by none'] }],
  ['2026-03-10', 'both Dinas Kesehatan heads sign the PKS', { pks: ['pks-1 active v1 signed by 17+36'] }],
  ['2026-03-12', 'two follow-ups are assigned', { followUps: ['tl-1 assigned 0%', 'tl-2 assigned 0%'] }],
  ['2026-03-16', 'Dinkes Bengkulu acknowledges', { followUps: ['tl-1 acknowledged 0%', 'tl-2 assigned 0%'] }],
  ['2026-05-04', 'Dinkes Bengkulu reports 60%', { followUps: ['tl-1 in-progress 60%', 'tl-2 assigned 0%'] }],
  ['2026-06-26', 'Dinkes Bengkulu completes', { followUps: ['tl-1 completed 100%', 'tl-2 assigned 0%'] }],
  ['2026-07-20', 'Banten reports the first semester', { semesterReports: 1 }],
  ['2026-10-30', 'the visit is scheduled', { visits: ['visit-1 scheduled'] }],
];

describe('the Banten–Bengkulu demo agreement as of a date', () => {
  let dataDir: string;
  let store: SqliteEventStore;
  let history: RecordedEvent[];
  let agreementId: string;
  const asOf = (date: string) => summary(agreementAsOf(agreementId, history, { date, basis: 'occurred' }).state);

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sinergi-as-of-'));
    const stories = await loadDemoStore(dataDir);
    agreementId = stories.find((s) => s.name === 'banten-bengkulu')?.agreementId ?? '';
    store = SqliteEventStore.open(join(dataDir, 'events.sqlite'));
    history = await readAgreementHistory(store, agreementId);
  });
  afterAll(async () => {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('did not exist the day before the offer', () => {
    expect(agreementAsOf(agreementId, history, { date: '2025-09-14', basis: 'occurred' })).toMatchObject({
      revision: -1,
      eventsApplied: 0,
      state: { stage: 'none' },
    });
  });

  describe.each(
    STEPS.map(([day, step, change], i) => {
      const expected = STEPS.slice(0, i + 1).reduce<Summary>((s, [, , c]) => ({ ...s, ...c }), before);
      const previous = STEPS.slice(0, i).reduce<Summary>((s, [, , c]) => ({ ...s, ...c }), before);
      return { day, step, expected, previous, change };
    }),
  )('on $day ($step)', ({ day, expected, previous }) => {
    it('is as the step left it at the end of the day', () => expect(asOf(day)).toEqual(expected));
    it('was still as before at the end of the day before', () => expect(asOf(addDays(day, -1))).toEqual(previous));
  });

  it('is as its last step left it long after', () => {
    expect(asOf('2030-01-01')).toEqual(asOf('2026-10-30'));
  });

  it('at a revision, holds exactly the events up to it, even within one step', () => {
    // Revision 9 is Bengkulu's signature; the activation it caused was recorded in the same append, as revision 10.
    const atSecondSignature = agreementAsOf(agreementId, history, { revision: 9 });
    expect(atSecondSignature).toMatchObject({ revision: 9, eventsApplied: 10, state: { stage: 'awaiting-signatures' } });
    const { state } = atSecondSignature;
    if (state.stage === 'none') throw new Error('no agreement recorded');
    expect(Object.keys(state.signatures).sort()).toEqual(['17', '36']);
    expect(summary(agreementAsOf(agreementId, history, { revision: 11 }).state)).toEqual(asOf('2025-10-24'));
  });

  it('tells what changed between two dates, path by path, with the steps that changed it', () => {
    const { changes, events } = agreementChanges(agreementId, history, '2026-03-11', '2026-05-04', 'occurred');
    expect(events.map((e) => [e.type, e.subject, e.actor.userId])).toEqual([
      ['FollowUpAssigned', 'tl-1', 'koordinator.17'],
      ['FollowUpAssigned', 'tl-2', 'koordinator.36'],
      ['FollowUpAcknowledged', 'tl-1', 'dinas-kesehatan.17'],
      ['FollowUpProgressReported', 'tl-1', 'dinas-kesehatan.17'],
    ]);
    expect(changes.map((c) => c.path)).toEqual(['/followUps/tl-1', '/followUps/tl-2']);
    expect(changes[0]).toMatchObject({ after: { status: 'in-progress', percent: 60 } });
    expect(changes[0]).not.toHaveProperty('before');
  });

  it('names each changed value when the items already existed', () => {
    const { changes } = agreementChanges(agreementId, history, '2026-05-04', '2026-06-26', 'occurred');
    expect(changes).toEqual([
      { path: '/followUps/tl-1/status', before: 'in-progress', after: 'completed' },
      { path: '/followUps/tl-1/percent', before: 60, after: 100 },
      { path: '/followUps/tl-1/evidence/1', after: expect.stringMatching(/^[0-9a-f]{64}$/) },
      { path: '/followUps/tl-1/completedOn', after: '2026-06-26' },
    ]);
  });
});
