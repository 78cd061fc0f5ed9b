import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { fileTypeFromBuffer } from 'file-type';
import { DocumentDoesNotMatchHash, DocumentTooLarge, DocumentTypeRefused } from './documents.errors';

/** The kinds of document kept, by the media type read from their content, with the extension a download gets. */
export const ACCEPTED_MEDIA_TYPES: Readonly<Record<string, string>> = {
  'application/pdf': 'pdf',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
  'application/vnd.oasis.opendocument.text': 'odt',
};

/** Enough of the start of a file to tell its type: office documents name their parts in the first entries of their ZIP. */
const SAMPLE_BYTES = 64 * 1024;

/** The media type the content says, when it is one of the accepted ones. */
export async function acceptedTypeOf(sample: Buffer): Promise<string | undefined> {
  const found = await fileTypeFromBuffer(sample);
  return found && found.mime in ACCEPTED_MEDIA_TYPES ? found.mime : undefined;
}

/**
 * What each check at the door may hold before it asks the upload to wait: a megabyte, the store's write size. At the
 * streams' default 16 KB every 64 KB the network delivers would pause and resume the connection.
 */
const CHECKED_BYTES_BUFFERED = 1024 * 1024;

/** Passes bytes on until there are more than `maxBytes` of them, then fails with {@link DocumentTooLarge}. */
export class SizeLimit extends Transform {
  private seen = 0;

  constructor(private readonly maxBytes: number) {
    super({ highWaterMark: CHECKED_BYTES_BUFFERED });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.seen += chunk.length;
    if (this.seen > this.maxBytes) return callback(new DocumentTooLarge(this.maxBytes));
    callback(null, chunk);
  }
}

/**
 * Holds back the first bytes until it can tell the type from the content, then passes everything on; fails with
 * {@link DocumentTypeRefused} when the type is not accepted. `mediaType` resolves with the type once it is known.
 */
export class TypeCheck extends Transform {
  readonly mediaType: Promise<string>;
  private settle!: { resolve: (type: string) => void; reject: (error: Error) => void };
  private sample: Buffer[] = [];
  private sampled = 0;
  private known = false;

  constructor() {
    super({ highWaterMark: CHECKED_BYTES_BUFFERED });
    this.mediaType = new Promise((resolve, reject) => (this.settle = { resolve, reject }));
    // Whoever waits on the type hears of the failure there; the stream reports it too.
    this.mediaType.catch(() => undefined);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.known) return callback(null, chunk);
    this.sample.push(chunk);
    this.sampled += chunk.length;
    if (this.sampled < SAMPLE_BYTES) return callback();
    this.decide().then(() => callback(), callback);
  }

  override _flush(callback: TransformCallback): void {
    if (this.known) return callback();
    this.decide().then(() => callback(), callback);
  }

  override _destroy(error: Error | null, callback: (error: Error | null) => void): void {
    if (!this.known) this.settle.reject(error ?? new Error('the document ended before its type was known'));
    callback(error);
  }

  private async decide(): Promise<void> {
    const sample = Buffer.concat(this.sample);
    this.sample = [];
    const type = await acceptedTypeOf(sample);
    if (!type) {
      const found = await fileTypeFromBuffer(sample);
      const refused = new DocumentTypeRefused(found?.mime);
      this.settle.reject(refused);
      throw refused;
    }
    this.known = true;
    this.settle.resolve(type);
    this.push(sample);
  }
}

/**
 * Passes a stored document on, always one chunk behind, and lets the last chunk go only once the whole content has
 * hashed to `sha256`: a document altered where it is kept is never served whole, the download breaks off instead.
 */
export class HashGuard extends Transform {
  private readonly hash = createHash('sha256');
  private held: Buffer | undefined;

  constructor(private readonly sha256: string) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    const previous = this.held;
    this.held = chunk;
    callback(null, previous);
  }

  override _flush(callback: TransformCallback): void {
    const actual = this.hash.digest('hex');
    if (actual !== this.sha256) return callback(new DocumentDoesNotMatchHash(this.sha256, actual));
    callback(null, this.held);
  }
}
