import { pipeline, type Readable } from 'node:stream';
import { ZipFile } from 'yazl';
import type { RecordedEvent } from '../core/event';
import type { EventStore } from '../core/event-store.port';
import { type AgreementDocument, agreementDocuments } from '../documents/document-check';
import { HashGuard } from '../documents/document-intake';
import { documentStreamId } from '../documents/document.events';
import type { DocumentStore } from '../documents/document-store.port';
import { DocumentNotKept } from '../documents/documents.errors';
import { readReminderHistory } from './agreement-audit';
import { exportAsCsv, exportIntact, exportOf } from './audit-export';
import { type VerificationResult, verifyLog } from './log-verifier';

export interface AuditBundle {
  /** The ZIP, streamed as it is read. */
  zip: Readable;
  verification: BundleVerification;
}

/** A document with its place in the bundle, when it is there. */
export type BundledDocument = AgreementDocument & { path?: string };

/** What `verification.json` of a bundle says: the agreement's chains, the whole log with its seal, the documents. */
export interface BundleVerification {
  agreementId: string;
  bundledAt: string;
  /** The agreement's stream and its reminders' stream both verified intact. */
  agreementChainIntact: boolean;
  /** The whole log up to its head, with the seal an auditor writes down. */
  log: VerificationResult;
  /** Every document the steps name: where it is in the bundle when kept, or why it is not there. */
  documents: BundledDocument[];
  documentsIntact: boolean;
}

/**
 * One ZIP for an auditor to take away: the agreement's history as JSON (state, every step with its hashes, the
 * reminders) and CSV, `verification.json` (the hash chains, the seal of the whole log, the state of each document),
 * and under `documents/` every document kept, each checked against its SHA-256 as it is written. Streamed: no
 * document is ever held whole in memory.
 */
export async function auditBundle(
  events: EventStore,
  documents: DocumentStore,
  agreementId: string,
  history: readonly RecordedEvent[],
  now: Date,
): Promise<AuditBundle> {
  const exported = exportOf(agreementId, history, await readReminderHistory(events, agreementId), now);
  const states = await agreementDocuments(history, await events.readStream(documentStreamId(agreementId)), documents);
  const placed: BundledDocument[] = states.map((document) => (document.state === 'kept' ? { ...document, path: bundlePathOf(document) } : document));
  const verification: BundleVerification = {
    agreementId,
    bundledAt: now.toISOString(),
    agreementChainIntact: exportIntact(exported),
    log: await verifyLog(events),
    documents: placed,
    documentsIntact: placed.every((document) => document.state === 'kept' || document.state === 'not-uploaded'),
  };
  const zip = new ZipFile();
  const output = zip.outputStream as Readable;
  // A document that cannot be read whole breaks the ZIP off, so that nobody takes it for complete.
  zip.on('error', (error: Error) => output.destroy(error));
  const mtime = now;
  zip.addBuffer(Buffer.from(JSON.stringify(exported, null, 2)), 'history.json', { mtime });
  zip.addBuffer(Buffer.from(exportAsCsv([exported], [`Sinergi audit bundle of agreement ${agreementId} at ${verification.bundledAt}`])), 'history.csv', { mtime });
  zip.addBuffer(Buffer.from(JSON.stringify(verification, null, 2)), 'verification.json', { mtime });
  for (const { path, sha256 } of placed) {
    if (!path) continue;
    // Opened when its turn comes, one at a time; stored as is, since PDFs, images and office files are compressed already.
    zip.addReadStreamLazy(path, { mtime, compress: false }, (deliver) => {
      void documents.open(sha256).then(
        (content) => {
          if (!content) return zip.emit('error', new DocumentNotKept(sha256));
          deliver(null, pipeline(content, new HashGuard(sha256), (error) => error && zip.emit('error', error)));
        },
        (error: unknown) => zip.emit('error', error),
      );
    });
  }
  zip.end();
  return { zip: output, verification };
}

/** `documents/3f9a1c2b-Draf KSB.pdf`: the name it was handed in under, after the start of its hash so that no two collide. */
function bundlePathOf(document: AgreementDocument): string {
  const name = document.kept?.fileName ?? `${document.namedBy[0].role}-${document.namedBy[0].label}`;
  return `documents/${document.sha256.slice(0, 8)}-${name}`;
}
