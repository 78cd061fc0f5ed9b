import type { PlannedReminder } from './reminder-plan';
import { pendingDeadlines } from '../../projections/agreement-status/deadlines';
import { DEFAULT_POLICY, DEFAULT_REMINDER_POLICY } from '../agreements/domain/policy';
import { RegionDirectory } from '../regions/domain/region-directory';
import * as F from '../../test/support/agreement-fixtures';
import { recorded } from '../../test/projections/support/recorded-events';
import type { AgreementStatus } from '../../projections/agreement-status/agreement-status';
import { agreementStatusProjection } from '../../projections/agreement-status/agreement-status.projection';
import type { AgreementEvent } from '../agreements/domain/agreement.events';
import { digestMessage, reminderLink, reminderMessage, sendingUnitOf } from './reminder-message';
import { planReminders } from './reminder-plan';

const AGREEMENT = '7f1c2d3e-0000-4000-8000-000000000001';
const reminderOf = (kind: PlannedReminder['kind'], subject: string): PlannedReminder => ({
  reminderId: `${AGREEMENT}/${kind}/${subject}|36|D-14|2026-07-31`,
  jobId: 'job',
  deadlineId: `${AGREEMENT}/${kind}/${subject}`,
  agreementId: AGREEMENT,
  kind,
  dueOn: '2026-07-31',
  step: 'D-14',
  escalation: false,
  region: '36',
  recipients: [],
  fireOn: '2026-07-17',
  fireAt: 0,
});

describe('the link a reminder carries', () => {
  it('leads a coordinator owing a semester report to the report of that semester', () => {
    const reminder = reminderOf('semester-report', '36/2026-S1');
    expect(reminderLink(reminder, 'https://sinergi.bantenprov.go.id/')).toBe('https://sinergi.bantenprov.go.id/#/laporan?tahun=2026&semester=1');
    const message = reminderMessage(reminder, { agreementTitle: 'KSB', subject: 'Laporan semester', recipientName: 'Biro', sender: 'Biro Pemerintahan dan Otonomi Daerah Sekretariat Daerah Provinsi Banten', publicUrl: 'https://sinergi.bantenprov.go.id' });
    expect(message.text).toContain('https://sinergi.bantenprov.go.id/#/laporan?tahun=2026&semester=1');
  });

  it('leads to the agreement for any other deadline', () =>
    expect(reminderLink(reminderOf('monev', '2026'), 'https://sinergi.bantenprov.go.id')).toBe(`https://sinergi.bantenprov.go.id/agreements/${AGREEMENT}`));
});

/**
 * English words that never belong in an Indonesian letter: the deadline's log description ("no PKS signed under this
 * KSB yet", "end of the KSB") would bring them in. Domain terms shared by both languages (PKS, monev) are not listed.
 */
const ENGLISH = /\b(the|of|to|and|for|is|are|yet|no|not|under|end|answer|offer|report|reports|schedule|visit|due|signed|reminder|reminders|daily|digest|overdue|today|days?)\b/i;

const statusAfter = (history: AgreementEvent[]): AgreementStatus =>
  recorded(history).reduce<AgreementStatus | undefined>((s, e) => agreementStatusProjection.evolve(s, e), undefined) as AgreementStatus;

describe('what a reminder or a digest says', () => {
  const regions = RegionDirectory.load();
  // Every deadline of an agreement with a PKS, a follow-up, a requested visit and an offer, under the default policy.
  const deadlines = [
    ...pendingDeadlines(statusAfter([...F.activePks, F.followUpAssigned(), F.visitRequested()]), DEFAULT_POLICY),
    ...pendingDeadlines(statusAfter(F.offered), DEFAULT_POLICY),
    ...pendingDeadlines(statusAfter(F.activeKsb), DEFAULT_POLICY).filter((d) => d.kind === 'ksb-without-pks'),
  ];
  const reminders = deadlines.flatMap((deadline) =>
    planReminders(deadline, () => DEFAULT_REMINDER_POLICY, '2025-01-01').map((reminder) => ({ reminder, deadline })),
  );
  const messageOf = ({ reminder, deadline }: (typeof reminders)[number]) =>
    reminderMessage(reminder, {
      agreementTitle: deadline.agreementTitle,
      subject: deadline.subject.perihal,
      recipientName: 'Kepala Biro Pemerintahan',
      sender: sendingUnitOf(regions.find(reminder.region)),
      publicUrl: 'https://sinergi.bengkuluprov.go.id',
    });

  it('covers every kind of deadline, with and without escalation', () => {
    expect(new Set(reminders.map((r) => r.reminder.kind))).toEqual(new Set(['offer-answer', 'ksb-without-pks', 'follow-up-due', 'visit-scheduling', 'semester-report', 'monev', 'ksb-end', 'pks-end']));
    expect(reminders.some((r) => r.reminder.escalation)).toBe(true);
  });

  it('carries no English, in the subject or the text', () => {
    for (const reminder of reminders) {
      const { subject, text } = messageOf(reminder);
      expect({ kind: reminder.reminder.kind, english: ENGLISH.exec(`${subject}\n${text.replace(/https?:\/\/\S+/g, '')}`)?.[0] }).toEqual({ kind: reminder.reminder.kind, english: undefined });
    }
  });

  it('reads as an office writes: Yth. Bapak/Ibu, the Perihal, the closing and the sending unit', () => {
    const { text, subject } = messageOf(reminders.find((r) => r.reminder.kind === 'ksb-without-pks' && r.reminder.region === F.bengkulu) ?? reminders[0]);
    expect(subject).toBe('[Pengingat] Penandatanganan Perjanjian Kerja Sama (PKS) pertama sebagai tindak lanjut Kesepakatan Bersama');
    expect(text).toMatch(/^Yth\. Bapak\/Ibu Kepala Biro Pemerintahan\n/);
    expect(text).toContain('Perihal     : Penandatanganan Perjanjian Kerja Sama (PKS) pertama');
    expect(text).toContain('Demikian disampaikan.');
    expect(text).toContain('Biro Pemerintahan dan Otonomi Daerah Sekretariat Daerah Bengkulu');
  });

  it('never says the KSB itself falls due', () => {
    // What is due is a step owed under it (a PKS, a report, a decision on its end), named as the sentence's subject.
    for (const reminder of reminders) expect(messageOf(reminder).text).not.toMatch(/jatuh tempo|bahwa Kesepakatan Bersama/);
  });

  it('says on escalation whom it reached, as each kind escalates', () => {
    const escalated = (kind: string) => messageOf(reminders.find((r) => r.reminder.kind === kind && r.reminder.escalation) ?? reminders[0]).text;
    expect(escalated('follow-up-due')).toContain('kepala OPD dan koordinator kerja sama daerah');
    expect(escalated('ksb-without-pks')).toContain('koordinator kerja sama seluruh pihak');
    expect(escalated('ksb-without-pks')).not.toContain('kepala OPD');
  });

  it('carries no English in a digest either', () => {
    const items = reminders.map(({ reminder, deadline }) => ({ reminder, agreementTitle: deadline.agreementTitle, subject: deadline.subject.perihal }));
    const { subject, text } = digestMessage(items, { day: '2026-01-10', recipientName: 'Kepala Biro Pemerintahan', sender: 'Sekretariat Sinergi', publicUrl: 'https://sinergi.test' });
    expect(ENGLISH.exec(`${subject}\n${text.replace(/https?:\/\/\S+/g, '')}`)?.[0]).toBeUndefined();
    expect(text).toContain('Demikian disampaikan.');
  });
});
