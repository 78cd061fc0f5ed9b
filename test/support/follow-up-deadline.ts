import type { Deadline } from '../../projections/agreement-status/deadlines';

/** The Banten–Bengkulu follow-up due 30 June 2026 for Bengkulu's Dinas Kesehatan, as the deadline table gives it. */
export const followUpDeadline: Deadline = {
  deadlineId: 'a1/follow-up-due/tl-1',
  kind: 'follow-up-due',
  dueOn: '2026-06-30',
  agreementId: 'a1',
  agreementTitle: 'KSB Banten–Bengkulu',
  subject: { id: 'tl-1', description: 'Menyusun alur rujukan pasien antarprovinsi', perihal: 'Tindak lanjut: Menyusun alur rujukan pasien antarprovinsi' },
  recipients: [
    { region: '17', role: 'opd', opd: 'Dinas Kesehatan' },
    { region: '17', role: 'opd-head', opd: 'Dinas Kesehatan', onEscalation: true },
    { region: '17', role: 'coordinator', onEscalation: true },
  ],
};
