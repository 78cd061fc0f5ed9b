import { InvalidInput, LifecycleError, NotFound, TooLarge, UnsupportedType } from '../core/domain-error';

export class NotASha256 extends InvalidInput {
  constructor(field: string) {
    super(`${field} must be a SHA-256 in 64 lowercase hex digits`, field);
  }
}

/** A file name is a name, never a path: it ends up in the headers of a download and in the audit bundle. */
export class PathLikeFileName extends InvalidInput {
  constructor() {
    super('name must be a plain file name of at most 200 characters, without /, \\, control characters, nor . or .. alone', 'name');
  }
}

/** Only documents a step of the agreement names by their SHA-256 are kept. */
export class DocumentNotNamed extends LifecycleError {
  constructor(sha256: string) {
    super(`no step of this agreement names a document with SHA-256 ${sha256}: record the step first, then upload its document`, 'sha256');
  }
}

/** The bytes sent are not the document the step named. */
export class DocumentDoesNotMatchHash extends LifecycleError {
  constructor(expected: string, actual: string) {
    super(`the file sent has SHA-256 ${actual}, not ${expected} as the step recorded: choose the file the step was recorded with`, 'sha256');
  }
}

export class DocumentNotNamedHere extends NotFound {
  constructor(sha256: string) {
    super(`this agreement names no document with SHA-256 ${sha256}`, 'sha256');
  }
}

export class DocumentNotKept extends NotFound {
  constructor(sha256: string) {
    super(`the document with SHA-256 ${sha256} has not been uploaded, or is no longer kept`, 'sha256');
  }
}

export class DocumentTooLarge extends TooLarge {
  constructor(maxBytes: number) {
    super(`a document may be at most ${maxBytes / (1024 * 1024)} MB (SINERGI_DOCUMENT_MAX_MB)`);
  }
}

export class DocumentTypeRefused extends UnsupportedType {
  constructor(found: string | undefined) {
    super(
      `only PDF, PNG, JPEG, DOCX, XLSX and ODT documents are kept; this file's content is ${found ?? 'of no known type'}, whatever its name says`,
    );
  }
}

/** What the store holds under the hash is no longer the document: served to nobody, found by `audit verify`. */
export class KeptDocumentAltered extends LifecycleError {
  constructor(sha256: string) {
    super(`the file kept for SHA-256 ${sha256} has been altered where it is stored: run \`sinergi documents check\` and restore it from a backup`, 'sha256');
  }
}

export class UploadBrokenOff extends InvalidInput {
  constructor() {
    super('the upload broke off before the whole file arrived: nothing was kept, send the file again', 'body');
  }
}
