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

/** What a reminder is about and when it is due, in Indonesian: `Tindak lanjut`, `jatuh tempo dalam 7 hari, pada 30 Juni 2026`. */
function whatAndWhen(reminder: PlannedReminder): { what: string; when: string } {
  const what = KIND_TEXT[reminder.kind];
  const daysBefore = reminder.step.startsWith('D-') ? Number(reminder.step.slice(2)) : 0;
  const when = reminder.escalation
    ? `telah melewati batas waktu ${tanggal(reminder.dueOn)}`
    : daysBefore > 0
      ? `jatuh tempo dalam ${daysBefore} hari, pada ${tanggal(reminder.dueOn)}`
      : `jatuh tempo hari ini, ${tanggal(reminder.dueOn)}`;
  return { what, when };
}

const agreementLink = (publicUrl: string, agreementId: string): string => `${publicUrl.replace(/\/$/, '')}/agreements/${encodeURIComponent(agreementId)}`;

/** A semester report due links to the report itself (the web app's report page of that semester); others to their agreement. */
export function reminderLink(reminder: Pick<PlannedReminder, 'kind' | 'deadlineId' | 'agreementId'>, publicUrl: string): string {
  const semester = reminder.kind === 'semester-report' ? /\/(\d{4})-S([12])$/.exec(reminder.deadlineId) : null;
  if (!semester) return agreementLink(publicUrl, reminder.agreementId);
  return `${publicUrl.replace(/\/$/, '')}/#/laporan?tahun=${semester[1]}&semester=${semester[2]}`;
}

const FOOTER = 'Pesan ini dikirim otomatis oleh Sinergi dan tercatat dalam jejak audit.';

/** The reminder in Indonesian: the agreement, the task, the due date, and where to act on it. */
export function reminderMessage(
  reminder: PlannedReminder,
  context: { agreementTitle: string; subject: string; recipientName: string; publicUrl: string },
): ReminderMessage {
  const link = reminderLink(reminder, context.publicUrl);
  const { what, when } = whatAndWhen(reminder);
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
    FOOTER,
  ].join('\n');
  return { subject, text, link };
}

/** One reminder of a daily digest, with what its message says of the agreement. */
export interface DigestItem {
  reminder: PlannedReminder;
  agreementTitle: string;
  subject: string;
}

/** The day's reminders of one contact in one message, in Indonesian, each numbered with its agreement and link. */
export function digestMessage(items: readonly DigestItem[], context: { day: string; recipientName: string; publicUrl: string }): ReminderMessage {
  const escalations = items.filter((item) => item.reminder.escalation).length;
  const subject = `${escalations > 0 ? '[ESKALASI] ' : ''}[Ringkasan harian] ${items.length} pengingat Sinergi, ${tanggal(context.day)}`;
  const entries = items.flatMap(({ reminder, agreementTitle, subject: about }, index) => {
    const { what, when } = whatAndWhen(reminder);
    return [
      `${index + 1}. ${reminder.escalation ? '[ESKALASI] ' : ''}${what} ${when}.`,
      `   Kerja sama : ${agreementTitle}`,
      `   Perihal    : ${about}`,
      `   Batas waktu: ${tanggal(reminder.dueOn)}`,
      `   Tautan     : ${reminderLink(reminder, context.publicUrl)}`,
      '',
    ];
  });
  const text = [
    `Yth. ${context.recipientName},`,
    '',
    `Berikut ${items.length} pengingat Sinergi untuk Anda pada ${tanggal(context.day)}:`,
    '',
    ...entries,
    escalations > 0 ? `${escalations} di antaranya merupakan eskalasi: batas waktunya telah terlewati.` : 'Mohon segera ditindaklanjuti.',
    '',
    'Anda menerima ringkasan harian ini karena memilih satu pesan per hari, bukan satu pesan per pengingat.',
    FOOTER,
  ].join('\n');
  return { subject, text, link: `${context.publicUrl.replace(/\/$/, '')}/` };
}
