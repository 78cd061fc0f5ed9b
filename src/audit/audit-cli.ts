import { createWriteStream, readFileSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import type { RecordedEvent } from '../core/event';
import { SinergiConfig } from '../config/sinergi.config';
import { SystemClock } from '../core/clock.port';
import type { EventStore } from '../core/event-store.port';
import { isIsoDate } from '../agreements/domain/dates';
import { parseArgs } from 'node:util';
import { UsageError, requiredOption } from '../cli-usage';
import { checkDocumentsWithProgress, documentsReport, withStores } from '../documents/documents-cli';
import type { DocumentStore } from '../documents/document-store.port';
import { auditBundle } from './audit-bundle';
import {
  type AuditEntry,
  type PointInTime,
  type TimeBasis,
  TIME_BASES,
  agreementAsOf,
  agreementChanges,
  auditEntryOf,
  readAgreementHistory,
  readReminderHistory,
  reminderRecordsOf,
} from './agreement-audit';
import { type AgreementExport, exportAsCsv, exportIntact, inclusionProblems } from './audit-export';
import type { DeliveryRecord } from '../reminders/reminder.events';
import { checkedAgainstSeal, type LogVerification, provenExportOf } from './audit.queries';
import { CheckpointKey, checkpointKeySettingsFromEnv, LogCheckpoints, verifyAgainstCheckpoint } from './log-checkpoints';
import { type ProgressOutput, startProgress, stderrProgressOutput } from '../progress';

export const AUDIT_USAGE = [
  'audit history AGREEMENT_ID [--json]',
  'audit as-of AGREEMENT_ID --date YYYY-MM-DD [--basis occurred|recorded] | --revision N',
  'audit diff AGREEMENT_ID --from YYYY-MM-DD --to YYYY-MM-DD [--basis occurred|recorded]',
  'audit export AGREEMENT_ID [--format json|csv]',
  'audit verify [--at POSITION] [--seal HEX] [--events-only] [--full]',
  'audit bundle AGREEMENT_ID [--out FILE]',
  'audit key                                  the public key that signs the log\'s checkpoints (as /audit/key serves it)',
  'audit checkpoint                           sign a checkpoint of the log now',
  'audit check-export FILE --key PUBLIC_KEY   check an export (JSON) against its signed checkpoint, without the log',
];

export interface AuditOutput {
  /** Results. */
  print(line: string): void;
  /** Progress, kept apart from results. */
  progress: ProgressOutput;
}

const consoleOutput: AuditOutput = { print: (line) => console.log(line), progress: stderrProgressOutput };

/**
 * `sinergi audit ...` reads the store of SINERGI_DATA_DIR (or SINERGI_EVENT_STORE) directly: whoever runs it
 * holds the data files, so no token is asked. Exit code 1 when `verify` finds the log broken or the seal changed.
 */
export async function runAuditCommand(args: readonly string[], output: AuditOutput = consoleOutput): Promise<number> {
  const [action, ...rest] = args;
  if (!action || !['history', 'as-of', 'diff', 'export', 'verify', 'bundle', 'key', 'checkpoint', 'check-export'].includes(action)) {
    throw new UsageError(`usage:\n  ${AUDIT_USAGE.map((line) => `sinergi ${line}`).join('\n  ')}`);
  }
  if (action === 'check-export') return checkExport(rest, output);
  return withStores((store, documents) => {
    const checkpoints = new LogCheckpoints(store, CheckpointKey.load(checkpointKeySettingsFromEnv(process.env, SinergiConfig.fromEnv().dataDir)), new SystemClock());
    return run(store, documents, checkpoints, action, rest, output);
  });
}

const AUDIT_OPTIONS = {
  json: { type: 'boolean' },
  'events-only': { type: 'boolean' },
  full: { type: 'boolean' },
  at: { type: 'string' },
  seal: { type: 'string' },
  out: { type: 'string' },
  format: { type: 'string' },
  date: { type: 'string' },
  revision: { type: 'string' },
  basis: { type: 'string' },
  from: { type: 'string' },
  to: { type: 'string' },
} as const;

const parseAuditArgs = (args: readonly string[]) => parseArgs({ args: [...args], options: AUDIT_OPTIONS, allowPositionals: true, strict: true });
type AuditOptions = ReturnType<typeof parseAuditArgs>['values'];

async function run(store: EventStore, documents: DocumentStore, checkpoints: LogCheckpoints, action: string, args: readonly string[], output: AuditOutput): Promise<number> {
  const { values, positionals } = parseAuditArgs(args);
  if (action === 'verify') {
    const logIntact = await verify(store, checkpoints, wholeNumber(values.at, 'at'), values.seal, output);
    if (values['events-only']) return logIntact;
    const checked = await checkDocumentsWithProgress(store, documents, output.progress, { full: values.full });
    documentsReport(checked).forEach((line) => output.print(line));
    return logIntact === 0 && checked.intact ? 0 : 1;
  }
  if (action === 'key') {
    output.print(`Ed25519 key ${checkpoints.key.keyId}`);
    output.print(checkpoints.key.publicKeyPem.trimEnd());
    return 0;
  }
  if (action === 'checkpoint') {
    const signed = await checkpoints.signAtHead();
    output.print(signed ? `Signed a checkpoint at position ${signed.position}: seal ${signed.seal}, root ${signed.root}.` : 'Nothing new since the last checkpoint: none signed.');
    return 0;
  }
  const [agreementId] = positionals;
  if (!agreementId) throw new UsageError(`say which agreement: sinergi audit ${action} AGREEMENT_ID`);
  const history = await readAgreementHistory(store, agreementId);
  switch (action) {
    case 'bundle':
      return writeBundle(store, documents, agreementId, history, values.out ?? `agreement-${agreementId}-bundle.zip`, output);
    case 'history': {
      const entries = history.map(auditEntryOf);
      const reminders = reminderRecordsOf(agreementId, await readReminderHistory(store, agreementId));
      if (values.json) {
        output.print(JSON.stringify({ agreementId, entries, reminders }, null, 2));
        return 0;
      }
      entries.forEach((entry) => output.print(historyLine(entry)));
      if (reminders.deliveries.length > 0) {
        output.print(`Reminders (${reminders.streamId}, ${reminders.entries.length} events, recorded by the engine):`);
        reminders.deliveries.forEach((delivery) => output.print(`  ${reminderLine(delivery)}`));
      }
      return 0;
    }
    case 'as-of': {
      output.print(JSON.stringify(agreementAsOf(agreementId, history, pointInTimeOf(values)), null, 2));
      return 0;
    }
    case 'diff': {
      const [from, to] = [dateOption(values.from, 'from'), dateOption(values.to, 'to')];
      const changes = agreementChanges(agreementId, history, from, to, basisOf(values.basis));
      output.print(`${changes.events.length} steps between the end of ${from} and the end of ${to} (${changes.basis}):`);
      changes.events.forEach((entry) => output.print(`  ${historyLine(entry)}`));
      output.print(`${changes.changes.length} changes:`);
      for (const change of changes.changes) {
        output.print(`  ${change.path}: ${JSON.stringify(change.before) ?? '(none)'} → ${JSON.stringify(change.after) ?? '(none)'}`);
      }
      return 0;
    }
    default: {
      const exported = await provenExportOf(checkpoints, agreementId, history, await readReminderHistory(store, agreementId), new Date());
      const format = values.format ?? 'json';
      if (format !== 'json' && format !== 'csv') throw new UsageError('--format must be json or csv');
      output.print(format === 'json' ? JSON.stringify(exported, null, 2) : exportAsCsv([exported]).trimEnd());
      return exportIntact(exported) ? 0 : 1;
    }
  }
}

async function writeBundle(
  store: EventStore,
  documents: DocumentStore,
  agreementId: string,
  history: RecordedEvent[],
  file: string,
  output: AuditOutput,
): Promise<number> {
  const { zip, verification } = await auditBundle(store, documents, agreementId, history, new Date());
  const kept = verification.documents.filter((document) => document.path).length;
  const progress = startProgress(`writing ${file}`, { unit: 'bytes', out: output.progress });
  let written = 0;
  zip.on('data', (chunk: Buffer) => progress.update((written += chunk.length)));
  await pipeline(zip, createWriteStream(file));
  progress.finish();
  output.print(`${file}: the history (JSON, CSV), verification.json with the seal ${verification.log.seal} at position ${verification.log.position}, and ${kept} of ${verification.documents.length} documents.`);
  for (const document of verification.documents.filter((d) => d.state !== 'kept')) output.print(`  not in the bundle: ${document.sha256} (${document.state})`);
  const intact = verification.agreementChainIntact && verification.log.intact && verification.documentsIntact;
  if (!intact) output.print('NOT INTACT: see verification.json.');
  return intact ? 0 : 1;
}

/** Needs no store: what an auditor runs on an export and the public key the deployment published. */
function checkExport(args: readonly string[], output: AuditOutput): number {
  const { values, positionals } = parseArgs({ args: [...args], options: { key: { type: 'string' } }, allowPositionals: true, strict: true });
  const [file] = positionals;
  if (!file) throw new UsageError('say which export: sinergi audit check-export FILE --key PUBLIC_KEY_FILE');
  const exported = JSON.parse(readFileSync(file, 'utf8')) as AgreementExport;
  const problems = [
    ...(exportIntact(exported) ? [] : ['the hash chains of the export do not hold']),
    ...inclusionProblems(exported, readFileSync(requiredOption(values.key, 'key'), 'utf8')),
  ];
  if (problems.length === 0) {
    const { checkpoint, proofs, afterCheckpoint } = exported.inclusion ?? { checkpoint: undefined, proofs: [], afterCheckpoint: [] };
    output.print(`HOLDS: ${proofs.length} events are in the log the checkpoint at position ${checkpoint?.position} signed on ${checkpoint?.signedAt}.`);
    if (afterCheckpoint.length > 0) output.print(`  ${afterCheckpoint.length} events were recorded after that checkpoint: check a later export for them.`);
    return 0;
  }
  problems.forEach((problem) => output.print(`DOES NOT HOLD: ${problem}`));
  return 1;
}

async function verify(store: EventStore, checkpoints: LogCheckpoints, at: number | undefined, seal: string | undefined, output: AuditOutput): Promise<number> {
  if (seal !== undefined && !/^[0-9a-fA-F]{64}$/.test(seal)) throw new UsageError('--seal must be 64 hex characters');
  const began = Date.now();
  const progress = startProgress('verifying', { unit: 'events', out: output.progress });
  const verified = await verifyAgainstCheckpoint(store, checkpoints, { upTo: at, full: true, onProgress: (checked, head) => progress.update(checked, head) });
  progress.finish();
  const result = checkedAgainstSeal(verified, seal);
  verificationReport(result, (Date.now() - began) / 1000).forEach((line) => output.print(line));
  return result.intact && result.sealCheck?.matches !== false ? 0 : 1;
}

export function verificationReport(result: LogVerification, seconds: number): string[] {
  const lines: string[] = [];
  const check = result.checkpointCheck;
  if (result.intact) {
    lines.push(`INTACT: ${result.eventsChecked} events in ${result.streams} streams, every hash chain and the global order, in ${seconds.toFixed(1)} s.`);
  } else if (result.firstBroken) {
    const broken = result.firstBroken;
    lines.push(`BROKEN: the first broken event is at position ${broken.position} (${broken.breach}).`);
    if (broken.streamId) lines.push(`  stream ${broken.streamId}, revision ${broken.revision}, event ${broken.eventId}`);
    lines.push(`  ${broken.explanation}`);
    lines.push(`  The log is intact up to position ${result.position}.`);
  } else {
    lines.push(`BROKEN: every hash chain holds, but not the signed checkpoint: the log was rewritten, hashes included.`);
  }
  if (!check) lines.push('No checkpoint has been signed yet (`sinergi audit checkpoint`).');
  else if (!check.signatureValid) lines.push(`The checkpoint at position ${check.checkpoint.position} is NOT signed by this deployment's key ${check.checkpoint.keyId.slice(0, 16)}.`);
  else if (!check.sealMatches) lines.push(`The log up to position ${check.checkpoint.position} is NOT the one the checkpoint signed on ${check.checkpoint.signedAt}.`);
  else lines.push(`The log up to position ${check.checkpoint.position} is the one the checkpoint signed on ${check.checkpoint.signedAt}.`);
  lines.push(`Seal at position ${result.position}: ${result.seal}`);
  lines.push(`  (write it down; later, \`sinergi audit verify --at ${result.position} --seal <seal>\` checks that nothing up to there changed)`);
  if (result.sealCheck) {
    lines.push(
      result.sealCheck.matches
        ? `The seal you gave matches: nothing up to position ${result.position} has changed.`
        : `The seal you gave does NOT match: the log up to position ${result.position} is not the one that was sealed.`,
    );
  }
  return lines;
}

function historyLine(entry: AuditEntry): string {
  const { actor } = entry;
  const who = `${actor.userId} (${actor.role}, ${actor.region}${actor.opd ? `, ${actor.opd}` : ''})`;
  const reason = entry.reason ? `  reason: ${entry.reason}` : '';
  return `#${entry.revision} ${entry.type} [${entry.subject}]  occurred ${entry.occurredAt}  recorded ${entry.recordedAt}  by ${who}${reason}`;
}

/** `sent D-7 follow-up-due due 2026-06-30 to dinkes of 17 (contact version 12) by email claimed ... settled ...` */
function reminderLine({ identity, outcome, attempts, claimedAt, settledAt, error }: DeliveryRecord): string {
  const { step, kind, dueOn, contactId, contactRegion, contactVersion, channel, digestId } = identity;
  const settled = settledAt ? `  settled ${settledAt}` : '';
  const why = error ? `  error: ${error}` : '';
  const digest = digestId ? `  in ${digestId}` : '';
  return `${outcome} ${step} ${kind} due ${dueOn} to ${contactId} of ${contactRegion} (contact version ${contactVersion}) by ${channel}  attempts ${attempts}  claimed ${claimedAt}${settled}${digest}${why}`;
}

function pointInTimeOf({ date, revision, basis }: AuditOptions): PointInTime {
  if ((date !== undefined) === (revision !== undefined)) throw new UsageError('give either --date YYYY-MM-DD or --revision N');
  if (date !== undefined) return { date: dateOption(date, 'date'), basis: basisOf(basis) };
  return { revision: wholeNumber(revision, 'revision') ?? 0 };
}

function wholeNumber(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number, got "${value}"`);
  return Number(value);
}

function dateOption(given: string | undefined, name: string): string {
  const value = requiredOption(given, name);
  if (!isIsoDate(value)) throw new UsageError(`--${name} must be a date YYYY-MM-DD, got "${value}"`);
  return value;
}

function basisOf(given: string | undefined): TimeBasis {
  const basis = given ?? 'occurred';
  if (!TIME_BASES.includes(basis as TimeBasis)) throw new UsageError(`--basis must be one of ${TIME_BASES.join(', ')}`);
  return basis as TimeBasis;
}
