import type { AgreementState } from '../agreements/domain/agreement.state';
import type { AuditEntry } from './agreement-audit';
import type { StreamVerification } from './log-verifier';

export type ExportFormat = 'json' | 'csv';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['json', 'csv'];

/** An agreement's history for the record, with what the export could verify of it. */
export interface AgreementExport {
  agreementId: string;
  exportedAt: string;
  /** The revision the export reaches, and the state there. */
  revision: number;
  state: AgreementState;
  history: AuditEntry[];
  verification: StreamVerification;
}

const COLUMNS = [
  'agreementId',
  'position',
  'revision',
  'subject',
  'type',
  'occurredAt',
  'recordedAt',
  'actorUserId',
  'actorRole',
  'actorRegion',
  'actorOpd',
  'reason',
  'data',
  'hash',
  'previousHash',
] as const;

/**
 * One row per event under a header row, preceded by `#` lines that carry the verification, so the file keeps the
 * result once saved (spreadsheets may show them as rows of their own: they are meant to be read).
 */
export function exportAsCsv(exports: readonly AgreementExport[], preamble: readonly string[] = []): string {
  const lines = [
    ...preamble.map((line) => `# ${line}`),
    ...exports.map((e) => `# ${verificationLine(e)}`),
    COLUMNS.join(','),
    ...exports.flatMap((e) => e.history.map((entry) => csvRow(rowOf(e.agreementId, entry)))),
  ];
  return `${lines.join('\r\n')}\r\n`;
}

export function verificationLine({ agreementId, verification: v }: AgreementExport): string {
  return v.intact
    ? `agreement ${agreementId}: hash chain intact, ${v.eventsChecked} events, chain head ${v.chainHead}`
    : `agreement ${agreementId}: hash chain BROKEN at position ${v.firstBroken?.position} (${v.firstBroken?.breach}: ${v.firstBroken?.explanation})`;
}

function rowOf(agreementId: string, entry: AuditEntry): Record<(typeof COLUMNS)[number], string | number> {
  return {
    agreementId,
    position: entry.position,
    revision: entry.revision,
    subject: entry.subject,
    type: entry.type,
    occurredAt: entry.occurredAt,
    recordedAt: entry.recordedAt,
    actorUserId: entry.actor.userId,
    actorRole: entry.actor.role,
    actorRegion: entry.actor.region,
    actorOpd: entry.actor.opd ?? '',
    reason: entry.reason ?? '',
    data: JSON.stringify(entry.data),
    hash: entry.hash,
    previousHash: entry.previousHash,
  };
}

function csvRow(row: Record<string, string | number>): string {
  return COLUMNS.map((column) => csvCell(row[column])).join(',');
}

/** RFC 4180 quoting; a text that a spreadsheet would run as a formula is defused with a leading quote. */
export function csvCell(value: string | number): string {
  if (typeof value === 'number') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
