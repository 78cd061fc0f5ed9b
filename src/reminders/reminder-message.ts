import type { PlannedReminder } from './reminder-plan';

const KIND_TEXT: Record<PlannedReminder['kind'], string> = {
  'offer-answer': 'Jawaban atas surat penawaran kerja sama',
  'ksb-without-pks': 'Kesepakatan Bersama yang belum ditindaklanjuti dengan Perjanjian Kerja Sama (PKS)',
  'follow-up-due': 'Tindak lanjut',
  'visit-scheduling': 'Penjadwalan kunjungan balasan',
  'semester-report': 'Laporan semester pelaksanaan kerja sama',
  monev: 'Monitoring dan evaluasi (monev) tahunan',
  'ksb-end': 'Berakhirnya masa berlaku Kesepakatan Bersama',
  'pks-end': 'Berakhirnya masa berlaku Perjanjian Kerja Sama',
};

const MONTHS = ['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September', 'Oktober', 'November', 'Desember'];

/** `2026-06-30` as Indonesian readers write it: `30 Juni 2026`. */
export function tanggal(day: string): string {
  const [year, month, date] = day.split('-').map(Number);
  return `${date} ${MONTHS[month - 1]} ${year}`;
}

export interface ReminderMessage {
  subject: string;
  text: string;
  link: string;
}

/** The reminder in Indonesian: the agreement, the task, the due date, and where to act on it. */
export function reminderMessage(
  reminder: PlannedReminder,
  context: { agreementTitle: string; subject: string; recipientName: string; publicUrl: string },
): ReminderMessage {
  const link = `${context.publicUrl.replace(/\/$/, '')}/agreements/${encodeURIComponent(reminder.agreementId)}`;
  const what = KIND_TEXT[reminder.kind];
  const daysBefore = reminder.step.startsWith('D-') ? Number(reminder.step.slice(2)) : 0;
  const when = reminder.escalation
    ? `telah melewati batas waktu ${tanggal(reminder.dueOn)}`
    : daysBefore > 0
      ? `jatuh tempo dalam ${daysBefore} hari, pada ${tanggal(reminder.dueOn)}`
      : `jatuh tempo hari ini, ${tanggal(reminder.dueOn)}`;
  const subject = `${reminder.escalation ? '[ESKALASI] ' : '[Pengingat] '}${what}: ${when}`;
  const text = [
    `Yth. ${context.recipientName},`,
    '',
    `${what} ${when}.`,
    '',
    `Kerja sama : ${context.agreementTitle}`,
    `Perihal    : ${context.subject}`,
    `Batas waktu: ${tanggal(reminder.dueOn)}`,
    `Tautan     : ${link}`,
    '',
    reminder.escalation
      ? 'Pesan ini dikirim sebagai eskalasi kepada pimpinan OPD dan koordinator kerja sama daerah.'
      : 'Mohon segera ditindaklanjuti.',
    '',
    'Pesan ini dikirim otomatis oleh Sinergi dan tercatat dalam jejak audit.',
  ].join('\n');
  return { subject, text, link };
}
