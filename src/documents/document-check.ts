import type { RecordedEvent } from '../core/event';
import type { EventStore } from '../core/event-store.port';
import { agreementIdOfStream, agreementStreamId } from '../agreements/domain/agreement.decider';
import { documentStreamId, type KeptRecord, keptRecordsOf } from './document.events';
import type { DocumentStore } from './document-store.port';
import { type DocumentNaming, documentsNamedIn } from './named-documents';
import { Sha256Counter } from './sha256-counter';

/**
 * `kept`: the store holds the very bytes the steps name. `not-uploaded`: nobody has handed the file in yet.
 * `missing`: it was kept once and is gone. `does-not-match`: what the store holds under the hash is something else.
 */
export type DocumentState = 'kept' | 'not-uploaded' | 'missing' | 'does-not-match';

export interface AgreementDocument {
  sha256: string;
  state: DocumentState;
  /** Every step that names the document, in order. */
  namedBy: DocumentNaming[];
  /** Who handed it in, when, under which name: absent until it is uploaded. */
  kept?: KeptRecord;
}

/** Whether the store holds the bytes of this hash: read whole and hashed again, never taken on trust. */
async function contentState(store: DocumentStore, sha256: string): Promise<ContentState> {
  const content = await store.open(sha256);
  if (!content) return 'absent';
  const counter = new Sha256Counter();
  for await (const chunk of content) counter.update(chunk as Buffer);
  return counter.digest() === sha256 ? 'whole' : 'altered';
}

type ContentState = 'whole' | 'absent' | 'altered';

/**
 * Checks documents against their hashes, reading back only what may have changed: a document stored under the same
 * version (`DocumentStore.storedVersion`) as when it was last read back whole and matched is taken as whole without
 * being read again. A document removed, replaced or written into since has another version and is read again, so
 * it is still found. `full` reads every document whatever its version.
 */
export class DocumentReadBack {
  /** Documents read whole and hashed this time. */
  readBack = 0;
  /** Documents taken as whole because they are stored as they were when they last matched. */
  unchanged = 0;
  private readonly matched = new Map<string, string>();

  private constructor(
    private readonly store: DocumentStore,
    private readonly checked: ReadonlyMap<string, string>,
  ) {}

  static async of(store: DocumentStore, hashes: readonly string[], options: { full?: boolean } = {}): Promise<DocumentReadBack> {
    return new DocumentReadBack(store, options.full ? new Map() : await store.checkedVersions(hashes));
  }

  async state(sha256: string): Promise<ContentState> {
    // Looked at before the bytes are read: a change during the read leaves a version that is not the one remembered.
    const stored = await this.store.storedVersion(sha256);
    if (!stored) return 'absent';
    if (this.checked.get(sha256) === stored.version) {
      this.unchanged++;
      return 'whole';
    }
    this.readBack++;
    const state = await contentState(this.store, sha256);
    if (state === 'whole' && stored.settled) this.matched.set(sha256, stored.version);
    return state;
  }

  /** Remembers the documents read back whole this time, so that the next check need not read them again. */
  async remember(): Promise<void> {
    await this.store.rememberChecked(this.matched);
  }
}

function stateOf(content: ContentState, everKept: boolean): DocumentState {
  switch (content) {
    case 'whole':
      return 'kept';
    case 'altered':
      return 'does-not-match';
    case 'absent':
      return everKept ? 'missing' : 'not-uploaded';
  }
}

/** Every document the agreement's steps name, with where it stands in the store. */
export async function agreementDocuments(
  history: readonly RecordedEvent[],
  documentEvents: readonly RecordedEvent[],
  store: DocumentStore,
): Promise<AgreementDocument[]> {
  const kept = keptRecordsOf(documentEvents);
  const named = documentsNamedIn(history);
  const readBack = await DocumentReadBack.of(store, [...named.keys()]);
  const documents: AgreementDocument[] = [];
  for (const [sha256, namedBy] of named) {
    const record = kept.get(sha256);
    documents.push({ sha256, state: stateOf(await readBack.state(sha256), record !== undefined), namedBy, ...(record ? { kept: record } : {}) });
  }
  await readBack.remember();
  return documents;
}

/** Reads an agreement's history and document stream, and checks its documents. */
export async function readAgreementDocuments(events: EventStore, store: DocumentStore, agreementId: string, history?: readonly RecordedEvent[]): Promise<AgreementDocument[]> {
  return agreementDocuments(
    history ?? (await events.readStream(agreementStreamId(agreementId))),
    await events.readStream(documentStreamId(agreementId)),
    store,
  );
}

/** A document some agreements name that is not as it should be. */
export interface DocumentProblem {
  sha256: string;
  agreementIds: string[];
}

export interface DocumentsVerification {
  /** No document that was kept is missing or altered. */
  intact: boolean;
  /** Distinct documents the steps of every agreement name. */
  named: number;
  kept: number;
  notUploaded: number;
  /** Documents read back and hashed this time. */
  readBack: number;
  /** Documents stored as they were when they last matched, taken as whole without being read (see DocumentReadBack). */
  unchanged: number;
  missing: DocumentProblem[];
  doesNotMatch: DocumentProblem[];
}

const BATCH = 5000;
const DOCUMENT_STREAM_PREFIX = documentStreamId('');
const AGREEMENT_STREAM_PREFIX = agreementStreamId('');

/**
 * Checks every document any step of the log names, through a {@link DocumentReadBack} (`full`: every one read back
 * and hashed again). A document never uploaded is counted, not a breach; one that was kept and is gone, or whose
 * bytes changed, is.
 */
export async function verifyDocuments(
  events: EventStore,
  store: DocumentStore,
  options: { full?: boolean; onProgress?: (checked: number, named: number) => void } = {},
): Promise<DocumentsVerification> {
  const namedBy = new Map<string, Set<string>>();
  const everKept = new Set<string>();
  const head = await events.headPosition();
  for (let position = 0; position < head; ) {
    const batch = await events.readAll(position, BATCH);
    if (batch.length === 0) break;
    const byAgreement = new Map<string, RecordedEvent[]>();
    for (const event of batch) {
      if (event.streamId.startsWith(DOCUMENT_STREAM_PREFIX)) {
        for (const sha256 of keptRecordsOf([event]).keys()) everKept.add(sha256);
      } else if (event.streamId.startsWith(AGREEMENT_STREAM_PREFIX)) {
        const agreementId = agreementIdOfStream(event.streamId);
        byAgreement.set(agreementId, [...(byAgreement.get(agreementId) ?? []), event]);
      }
    }
    for (const [agreementId, history] of byAgreement) {
      for (const sha256 of documentsNamedIn(history).keys()) {
        const agreements = namedBy.get(sha256) ?? new Set<string>();
        agreements.add(agreementId);
        namedBy.set(sha256, agreements);
      }
    }
    position = batch[batch.length - 1].position;
  }
  const result: DocumentsVerification = { intact: true, named: namedBy.size, kept: 0, notUploaded: 0, readBack: 0, unchanged: 0, missing: [], doesNotMatch: [] };
  const readBack = await DocumentReadBack.of(store, [...namedBy.keys()], options);
  let checked = 0;
  for (const [sha256, agreements] of namedBy) {
    const problem = { sha256, agreementIds: [...agreements] };
    const state = stateOf(await readBack.state(sha256), everKept.has(sha256));
    switch (state) {
      case 'kept':
        result.kept++;
        break;
      case 'not-uploaded':
        result.notUploaded++;
        break;
      case 'missing':
        result.missing.push(problem);
        break;
      case 'does-not-match':
        result.doesNotMatch.push(problem);
        break;
    }
    options.onProgress?.(++checked, namedBy.size);
  }
  await readBack.remember();
  [result.readBack, result.unchanged] = [readBack.readBack, readBack.unchanged];
  result.intact = result.missing.length === 0 && result.doesNotMatch.length === 0;
  return result;
}
