import { agreementDecider, agreementStreamId } from '../agreements/domain/agreement.decider';
import type { AgreementState } from '../agreements/domain/agreement.state';
import { fieldLabelForRecord } from '../agreements/domain/fields-of-cooperation';
import { foldHistory } from '../core/command-processor';
import { type CsvDialect, csvCell, csvStart, RFC_4180 } from '../core/csv';
import type { RecordedEvent } from '../core/event';
import { type AuditEntry, auditEntryOf, type ReminderRecords, reminderRecordsOf } from './agreement-audit';
import { checkpointSignatureValid, type ExportInclusion } from './log-checkpoints';
import { type StreamVerification, verifyStream } from './log-verifier';
import { verifyInclusion } from './merkle-tree';

export type ExportFormat = 'json' | 'csv';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['json', 'csv'];

/** An agreement's history for the record, with what the export could verify of it. */
export interface AgreementExport {
  agreementId: string;
  exportedAt: string;
  /** The revision the export reaches, and the state there (stage `none` only for a history that records no agreement). */
  revision: number;
  state: AgreementState;
  /** The agreement's fields of cooperation (urusan) there: the codes of `state.fields`, each with its label. */
  fields: { id: string; label: string }[];
  history: AuditEntry[];
  /** The agreement stream's own hash chain. */
  verification: StreamVerification;
  /** The reminders sent about the agreement, from their own stream, with that stream's hash chain checked. */
  reminders: ReminderRecords & { verification: StreamVerification };
  /**
   * Once the log has a signed checkpoint: a proof that each event of the export is in it, checkable with the
   * checkpoint and its public key alone (`sinergi audit check-export`).
   */
  inclusion?: ExportInclusion;
}

/** Whether both streams of the export, the agreement's and its reminders', verified intact. */
/** An agreement's history, its reminders and the verification of both chains, as an auditor takes them away. */
export function exportOf(agreementId: string, history: readonly RecordedEvent[], reminderEvents: readonly RecordedEvent[], now: Date): AgreementExport {
  const reminders = reminderRecordsOf(agreementId, reminderEvents);
  const state = foldHistory(agreementDecider, history);
  return {
    agreementId,
    exportedAt: now.toISOString(),
    revision: history[history.length - 1].revision,
    state,
    fields: state.stage === 'none' ? [] : state.fields.map((id) => ({ id, label: fieldLabelForRecord(id) })),
    history: history.map(auditEntryOf),
    verification: verifyStream(agreementStreamId(agreementId), history),
    reminders: { ...reminders, verification: verifyStream(reminders.streamId, reminderEvents) },
  };
}

export const exportIntact = (exported: AgreementExport): boolean => exported.verification.intact && exported.reminders.verification.intact;

/**
 * What an auditor checks with an export and the deployment's public key alone, without the log: the checkpoint is
 * signed by that key, every event of the export up to the checkpoint has a proof leading to its root, and each proof
 * is for the very hash the export's history shows. Problems are listed; none means it holds.
 */
export function inclusionProblems(exported: AgreementExport, publicKeyPem: string): string[] {
  const inclusion = exported.inclusion;
  if (!inclusion) return ['the export carries no inclusion proof: no checkpoint had been signed when it was made'];
  const { checkpoint, proofs } = inclusion;
  const problems: string[] = [];
  if (!checkpointSignatureValid(checkpoint, publicKeyPem)) problems.push(`the checkpoint at position ${checkpoint.position} is not signed by this key`);
  const proofAt = new Map(proofs.map((proof) => [proof.position, proof]));
  for (const entry of [...exported.history, ...exported.reminders.entries].filter((e) => e.position <= checkpoint.position)) {
    const proof = proofAt.get(entry.position);
    if (!proof || proof.eventHash !== entry.hash) problems.push(`the event at position ${entry.position} has no proof for its hash`);
    else if (!verifyInclusion(entry.hash, entry.position - 1, checkpoint.position, proof.path, checkpoint.root)) {
      problems.push(`the event at position ${entry.position} is not in the log the checkpoint signed`);
    }
  }
  return problems;
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
  'fields',
  'data',
  'hash',
  'previousHash',
] as const;

/** The reminder table: one row per reminder event, each with the delivery it belongs to spelled out. */
const REMINDER_COLUMNS = [
  'agreementId',
  'position',
  'revision',
  'type',
  'deliveryId',
  'deadlineId',
  'kind',
  'dueOn',
  'step',
  'escalation',
  'contactId',
  'contactRegion',
  'contactVersion',
  'channel',
  'attempt',
  'outcome',
  'error',
  'digestId',
  'recordedAt',
  'hash',
  'previousHash',
] as const;

/**
 * One row per event under a header row, preceded by `#` lines that carry the verification, so the file keeps the
 * result once saved (spreadsheets may show them as rows of their own: they are meant to be read). The reminders
 * follow in a table of their own, under a `#` line and a header of their own, when any were recorded: they are
 * not steps of the agreement.
 */
export function exportAsCsv(exports: readonly AgreementExport[], preamble: readonly string[] = [], dialect: CsvDialect = RFC_4180): string {
  const header = (columns: readonly string[]): string => columns.join(dialect.delimiter);
  const row = (columns: readonly string[], values: Record<string, string | number>): string =>
    columns.map((column) => csvCell(values[column], dialect)).join(dialect.delimiter);
  const withReminders = exports.filter((e) => e.reminders.entries.length > 0);
  const lines = [
    ...preamble.map((line) => `# ${line}`),
    ...exports.flatMap((e) => [`# ${verificationLine(e)}`, ...(e.reminders.entries.length > 0 ? [`# ${reminderVerificationLine(e)}`] : [])]),
    header(COLUMNS),
    ...exports.flatMap((e) => e.history.map((entry) => row(COLUMNS, rowOf(e.agreementId, entry)))),
    ...(withReminders.length > 0
      ? [
          '# reminders: one row per recorded event of each reminder stream (claimed, sent, failed), apart from the agreement steps above',
          header(REMINDER_COLUMNS),
          ...withReminders.flatMap((e) => reminderRowsOf(e).map((values) => row(REMINDER_COLUMNS, values))),
        ]
      : []),
  ];
  return `${csvStart(dialect)}${lines.join('\r\n')}\r\n`;
}

export function verificationLine({ agreementId, verification: v }: AgreementExport): string {
  return v.intact
    ? `agreement ${agreementId}: hash chain intact, ${v.eventsChecked} events, chain head ${v.chainHead}`
    : `agreement ${agreementId}: hash chain BROKEN at position ${v.firstBroken?.position} (${v.firstBroken?.breach}: ${v.firstBroken?.explanation})`;
}

export function reminderVerificationLine({ agreementId, reminders: { streamId, verification: v } }: AgreementExport): string {
  return v.intact
    ? `reminders of agreement ${agreementId} (${streamId}): hash chain intact, ${v.eventsChecked} events, chain head ${v.chainHead}`
    : `reminders of agreement ${agreementId} (${streamId}): hash chain BROKEN at position ${v.firstBroken?.position} (${v.firstBroken?.breach}: ${v.firstBroken?.explanation})`;
}

/** Each reminder event with its delivery's identity (from the claim), so a row reads on its own. */
function reminderRowsOf({ agreementId, reminders }: AgreementExport): Record<(typeof REMINDER_COLUMNS)[number], string | number>[] {
  const deliveries = new Map(reminders.deliveries.map((delivery) => [delivery.identity.deliveryId, delivery.identity]));
  return reminders.entries.map((entry) => {
    const data = (typeof entry.data === 'object' && entry.data !== null ? entry.data : {}) as Record<string, unknown>;
    const identity = deliveries.get(entry.subject);
    const text = (value: unknown): string => (value === undefined || value === null ? '' : String(value));
    const outcome = entry.type === 'ReminderClaimed' ? 'claimed' : entry.type === 'ReminderSent' ? 'sent' : data.givenUp ? 'given-up' : 'failed';
    return {
      agreementId,
      position: entry.position,
      revision: entry.revision,
      type: entry.type,
      deliveryId: entry.subject,
      deadlineId: text(identity?.deadlineId),
      kind: text(identity?.kind),
      dueOn: text(identity?.dueOn),
      step: text(identity?.step),
      escalation: text(identity?.escalation),
      contactId: text(identity?.contactId),
      contactRegion: text(identity?.contactRegion),
      contactVersion: text(identity?.contactVersion),
      channel: text(data.channel),
      attempt: text(data.attempt),
      outcome,
      error: text(data.error),
      digestId: text(data.digestId ?? identity?.digestId),
      recordedAt: entry.recordedAt,
      hash: entry.hash,
      previousHash: entry.previousHash,
    };
  });
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
    fields: (entry.fields ?? []).join('; '),
    data: JSON.stringify(entry.data),
    hash: entry.hash,
    previousHash: entry.previousHash,
  };
}
