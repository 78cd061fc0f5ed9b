import type { PlannedReminder } from './reminder-plan';
import { reminderLink, reminderMessage } from './reminder-message';

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
    const message = reminderMessage(reminder, { agreementTitle: 'KSB', subject: 'Laporan semester', recipientName: 'Biro', publicUrl: 'https://sinergi.bantenprov.go.id' });
    expect(message.text).toContain('https://sinergi.bantenprov.go.id/#/laporan?tahun=2026&semester=1');
  });

  it('leads to the agreement for any other deadline', () =>
    expect(reminderLink(reminderOf('monev', '2026'), 'https://sinergi.bantenprov.go.id')).toBe(`https://sinergi.bantenprov.go.id/agreements/${AGREEMENT}`));
});
