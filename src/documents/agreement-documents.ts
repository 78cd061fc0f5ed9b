import { Inject, Injectable } from '@nestjs/common';
import { pipeline, type Readable } from 'node:stream';
import { authorizeDocumentUpload, authorizeRead } from '../agreements/application/agreement-access';
import { actorOf, type Principal } from '../access/principal';
import { agreementStreamId, recordedAgreementOf } from '../agreements/domain/agreement.decider';
import { AgreementNotFound } from '../agreements/domain/agreement.errors';
import { Clock } from '../core/clock.port';
import { EVENT_SCHEMA_VERSION } from '../core/event';
import type { RecordedEvent } from '../core/event';
import { EventStore } from '../core/event-store.port';
import { newEventId } from '../core/event-id';
import { type AgreementDocument, readAgreementDocuments } from './document-check';
import { ACCEPTED_MEDIA_TYPES, HashGuard, SizeLimit, TypeCheck } from './document-intake';
import { type DocumentKept, documentStreamId, keptRecordsOf } from './document.events';
import { ContentDoesNotMatchHash, DocumentStore, isSha256Hex } from './document-store.port';
import { DocumentsConfig } from './documents.config';
import { DocumentDoesNotMatchHash, DocumentNotKept, DocumentNotNamed, DocumentNotNamedHere, DocumentTooLarge, DocumentTypeRefused, KeptDocumentAltered, NotASha256, PathLikeFileName, UploadBrokenOff } from './documents.errors';
import { documentsNamedIn } from './named-documents';

export interface KeptDocumentAnswer {
  sha256: string;
  size: number;
  mediaType: string;
  fileName: string;
  /** True when this agreement had it already: nothing was written. */
  alreadyKept: boolean;
}

/** A document on its way out: what the download's headers say, and the bytes, checked against the hash as they go. */
export interface DocumentDownload {
  fileName: string;
  mediaType: string;
  size: number;
  content: Readable;
}

/**
 * The files of the documents an agreement's steps name: kept when a user who may record steps of the agreement
 * hands them in, served to whoever may read it. The steps keep recording the SHA-256; the file is checked against
 * it on arrival, on every download and by `audit verify`.
 */
@Injectable()
export class AgreementDocuments {
  constructor(
    @Inject(EventStore) private readonly events: EventStore,
    @Inject(DocumentStore) private readonly store: DocumentStore,
    @Inject(DocumentsConfig) private readonly config: DocumentsConfig,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /** Every document the agreement's steps name, with its state (the store's bytes are hashed again). */
  async list(viewer: Principal, agreementId: string): Promise<AgreementDocument[]> {
    const history = await this.readableHistory(viewer, agreementId);
    return readAgreementDocuments(this.events, this.store, agreementId, history);
  }

  /**
   * Keeps the file of a document a step named, streamed from `content` (never held whole in memory). Nothing is
   * kept when the uploader may not record steps of the agreement, no step names the hash, the file is too large or
   * of a refused type, its bytes are not the ones named, or the upload breaks off.
   */
  async upload(
    uploader: Principal,
    agreementId: string,
    sha256: string,
    upload: { content: Readable; declaredBytes?: number; fileName?: string },
  ): Promise<KeptDocumentAnswer> {
    const fileName = upload.fileName === undefined ? undefined : checkedFileName(upload.fileName);
    const history = await this.events.readStream(agreementStreamId(agreementId));
    if (history.length === 0) throw new AgreementNotFound();
    authorizeDocumentUpload(uploader, recordedAgreementOf(history));
    if (!isSha256Hex(sha256)) throw new NotASha256('sha256');
    const named = documentsNamedIn(history).get(sha256);
    if (!named) throw new DocumentNotNamed(sha256);
    if (upload.declaredBytes !== undefined && upload.declaredBytes > this.config.maxBytes) throw new DocumentTooLarge(this.config.maxBytes);

    const typeCheck = new TypeCheck();
    const checked = pipeline(upload.content, new SizeLimit(this.config.maxBytes), typeCheck, () => undefined);
    const kept = await this.store.keep(sha256, checked).catch((error: unknown) => {
      if (error instanceof ContentDoesNotMatchHash) throw new DocumentDoesNotMatchHash(error.expected, error.actual);
      if ((error as NodeJS.ErrnoException).code === 'ECONNRESET') throw new UploadBrokenOff();
      throw error;
    });
    const mediaType = await typeCheck.mediaType;
    const streamId = documentStreamId(agreementId);
    const already = keptRecordsOf(await this.events.readStream(streamId)).get(sha256);
    if (already) return { sha256, size: kept.size, mediaType, fileName: already.fileName, alreadyKept: true };

    const record: DocumentKept = {
      type: 'DocumentKept',
      data: { sha256, size: kept.size, mediaType, fileName: fileName ?? defaultFileName(named[0].role, named[0].label, sha256, mediaType) },
    };
    const commandId = newEventId();
    await this.events.append(
      streamId,
      [
        {
          id: commandId,
          type: record.type,
          schemaVersion: EVENT_SCHEMA_VERSION,
          data: record.data,
          metadata: { actor: actorOf(uploader), occurredAt: this.clock.now().toISOString(), correlationId: commandId, causationId: commandId },
        },
      ],
      'any',
    );
    return { ...record.data, alreadyKept: false };
  }

  /** A kept document of the agreement, for its parties and auditors. */
  async download(viewer: Principal, agreementId: string, sha256: string): Promise<DocumentDownload> {
    const history = await this.readableHistory(viewer, agreementId);
    if (!isSha256Hex(sha256)) throw new NotASha256('sha256');
    const named = documentsNamedIn(history).get(sha256);
    if (!named) throw new DocumentNotNamedHere(sha256);
    const [size, stored] = [await this.store.sizeOf(sha256), await this.store.open(sha256)];
    if (size === undefined || !stored) throw new DocumentNotKept(sha256);
    const typeCheck = new TypeCheck();
    const content = pipeline(stored, new HashGuard(sha256), typeCheck, () => undefined);
    // Every kept document passed the type check on arrival: one that fails it now was altered where it is kept.
    const mediaType = await typeCheck.mediaType.catch((error: unknown) => {
      throw error instanceof DocumentTypeRefused || error instanceof DocumentDoesNotMatchHash ? new KeptDocumentAltered(sha256) : error;
    });
    const record = keptRecordsOf(await this.events.readStream(documentStreamId(agreementId))).get(sha256);
    return { fileName: record?.fileName ?? defaultFileName(named[0].role, named[0].label, sha256, mediaType), mediaType, size, content };
  }

  private async readableHistory(viewer: Principal, agreementId: string): Promise<RecordedEvent[]> {
    const history = await this.events.readStream(agreementStreamId(agreementId));
    if (history.length === 0) throw new AgreementNotFound();
    authorizeRead(viewer, recordedAgreementOf(history));
    return history;
  }
}

/** A name a browser may save the file under, and nothing that could climb out of a directory. */
export function checkedFileName(name: string): string {
  const plain = name.trim();
  // eslint-disable-next-line no-control-regex
  if (plain.length === 0 || plain.length > 200 || /[/\\\u0000-\u001f\u007f]/.test(plain) || plain === '.' || plain === '..') {
    throw new PathLikeFileName();
  }
  return plain;
}

/** `draft-v2-3f9a1c2b.pdf`: what a document is called when the uploader gave no name. */
export function defaultFileName(role: string, label: string, sha256: string, mediaType: string): string {
  const slug = `${role}-${label}`.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
  return `${slug}-${sha256.slice(0, 8)}.${ACCEPTED_MEDIA_TYPES[mediaType] ?? 'bin'}`;
}
