import { assertNever } from '../core/decider';
import { tanggal } from '../agreements/domain/dates';
import type { Region } from '../regions/domain/region-directory';
import type { PlannedReminder } from './reminder-plan';

/**
 * What each kind of deadline asks of the reader, as a sentence's subject: the obligation, never the agreement itself
 * (a KSB does not "fall due"; what falls due is a step owed under it).
 */
const KIND_TEXT: Record<PlannedReminder['kind'], string> = {
  'offer-answer': 'jawaban atas surat penawaran kerja sama',
  'ksb-without-pks': 'penandatanganan Perjanjian Kerja Sama (PKS) pertama sebagai tindak lanjut Kesepakatan Bersama',
  'follow-up-due': 'penyelesaian tindak lanjut',
  'visit-scheduling': 'penjadwalan kunjungan balasan',
  'semester-report': 'penyampaian laporan semester pelaksanaan kerja sama',
  monev: 'pelaksanaan monitoring dan evaluasi (monev) kerja sama',
  'ksb-end': 'pengambilan keputusan atas berakhirnya masa berlaku Kesepakatan Bersama (diperpanjang atau diakhiri)',
  'pks-end': 'pengambilan keputusan atas berakhirnya masa berlaku Perjanjian Kerja Sama (diperpanjang atau diakhiri)',
};

/** Who an escalation reached besides those reminded before, as each kind's recipients are (see `projections/agreement-status/deadlines.ts`). */
function escalationNote(kind: PlannedReminder['kind']): string {
  switch (kind) {
    case 'follow-up-due':
      return 'Pesan ini merupakan eskalasi: batas waktunya telah terlewati, sehingga disampaikan pula kepada kepala OPD dan koordinator kerja sama daerah.';
    case 'ksb-without-pks':
      return 'Pesan ini merupakan eskalasi: batas waktunya telah terlewati, sehingga disampaikan kepada koordinator kerja sama seluruh pihak.';
    case 'offer-answer':
    case 'visit-scheduling':
    case 'semester-report':
    case 'monev':
    case 'ksb-end':
    case 'pks-end':
      return 'Pesan ini merupakan eskalasi: batas waktunya telah terlewati.';
    default:
      return assertNever(kind);
  }
}

/** The coordinating unit of a region, in whose name its people are reminded. */
export function sendingUnitOf(region: Pick<Region, 'name' | 'level'> | undefined): string {
  if (!region) return 'Sekretariat Sinergi';
  return region.level === 'province' ? `Biro Pemerintahan dan Otonomi Daerah Sekretariat Daerah ${region.name}` : `Bagian Kerja Sama Sekretariat Daerah ${region.name}`;
}

const CLOSING = 'Demikian disampaikan. Atas perhatian dan kerja sama Bapak/Ibu, kami ucapkan terima kasih.';

export interface ReminderMessage {
  subject: string;
  text: string;
  link: string;
}

/** What a reminder asks for and by when: `penyelesaian tindak lanjut`, `paling lambat 30 Juni 2026 (7 hari lagi)`. */
function whatAndWhen(reminder: PlannedReminder): { what: string; when: string } {
  const what = KIND_TEXT[reminder.kind];
  const daysBefore = reminder.step.startsWith('D-') ? Number(reminder.step.slice(2)) : 0;
  const when = reminder.escalation
    ? `telah melewati batas waktu ${tanggal(reminder.dueOn)}`
    : daysBefore > 0
      ? `paling lambat ${tanggal(reminder.dueOn)} (${daysBefore} hari lagi)`
      : `paling lambat hari ini, ${tanggal(reminder.dueOn)}`;
  return { what, when };
}

const capitalised = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

const agreementLink = (publicUrl: string, agreementId: string): string => `${publicUrl.replace(/\/$/, '')}/agreements/${encodeURIComponent(agreementId)}`;

/** A semester report due links to the report itself (the web app's report page of that semester); others to their agreement. */
export function reminderLink(reminder: Pick<PlannedReminder, 'kind' | 'deadlineId' | 'agreementId'>, publicUrl: string): string {
  const semester = reminder.kind === 'semester-report' ? /\/(\d{4})-S([12])$/.exec(reminder.deadlineId) : null;
  if (!semester) return agreementLink(publicUrl, reminder.agreementId);
  return `${publicUrl.replace(/\/$/, '')}/#/laporan?tahun=${semester[1]}&semester=${semester[2]}`;
}

const FOOTER = 'Pesan ini dikirim otomatis oleh Sinergi dan tercatat dalam jejak audit.';

/** The reminder as an office writes it: Yth., the matter (Perihal), what is asked and by when, the closing, the unit. */
export function reminderMessage(
  reminder: PlannedReminder,
  context: { agreementTitle: string; subject: string; recipientName: string; sender: string; publicUrl: string },
): ReminderMessage {
  const link = reminderLink(reminder, context.publicUrl);
  const { what, when } = whatAndWhen(reminder);
  const subject = `${reminder.escalation ? '[ESKALASI] ' : '[Pengingat] '}${context.subject}`;
  const text = [
    `Yth. Bapak/Ibu ${context.recipientName}`,
    '',
    `Perihal     : ${context.subject}`,
    `Kerja sama  : ${context.agreementTitle}`,
    `Batas waktu : ${tanggal(reminder.dueOn)}`,
    '',
    `Dengan hormat, bersama ini kami sampaikan bahwa ${what} ${when}. Mohon Bapak/Ibu menindaklanjutinya melalui tautan berikut: ${link}`,
    '',
    ...(reminder.escalation ? [escalationNote(reminder.kind), ''] : []),
    CLOSING,
    '',
    context.sender,
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

/** The day's reminders of one contact in one message, as an office writes it, each numbered with its agreement and link. */
export function digestMessage(
  items: readonly DigestItem[],
  context: { day: string; recipientName: string; sender: string; publicUrl: string },
): ReminderMessage {
  const escalations = items.filter((item) => item.reminder.escalation).length;
  const subject = `${escalations > 0 ? '[ESKALASI] ' : ''}Ringkasan harian pengingat kerja sama daerah, ${tanggal(context.day)}`;
  const entries = items.flatMap(({ reminder, agreementTitle, subject: about }, index) => {
    const { what, when } = whatAndWhen(reminder);
    return [
      `${index + 1}. ${reminder.escalation ? '[ESKALASI] ' : ''}${about}`,
      `   Kerja sama  : ${agreementTitle}`,
      `   ${capitalised(what)} ${when}.`,
      ...(reminder.escalation ? [`   ${escalationNote(reminder.kind)}`] : []),
      `   Tautan      : ${reminderLink(reminder, context.publicUrl)}`,
      '',
    ];
  });
  const text = [
    `Yth. Bapak/Ibu ${context.recipientName}`,
    '',
    `Perihal     : Ringkasan harian pengingat kerja sama daerah, ${tanggal(context.day)}`,
    '',
    `Dengan hormat, bersama ini kami sampaikan ${items.length} pengingat untuk Bapak/Ibu pada ${tanggal(context.day)}:`,
    '',
    ...entries,
    'Bapak/Ibu menerima ringkasan harian ini karena memilih satu pesan per hari, bukan satu pesan per pengingat.',
    '',
    CLOSING,
    '',
    context.sender,
    '',
    FOOTER,
  ].join('\n');
  return { subject, text, link: `${context.publicUrl.replace(/\/$/, '')}/` };
}
