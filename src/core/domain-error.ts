/**
 * A refused command. Subclasses name the rule; `kind` says whether the input was invalid (HTTP 400), the lifecycle
 * forbids it now (HTTP 409), it names what does not exist (HTTP 404), the acting user may not do it (HTTP 403), or a
 * file sent is too large (HTTP 413) or of a kind not accepted (HTTP 415).
 * `field` points at the offending input, when there is one.
 */
export abstract class DomainError extends Error {
  abstract readonly kind: 'invalid' | 'conflict' | 'not-found' | 'forbidden' | 'too-large' | 'unsupported-type';
  readonly field?: string;

  constructor(message: string, field?: string) {
    super(message);
    this.name = new.target.name;
    this.field = field;
  }

  /** The rule's name, as API clients see it: the class name. */
  get code(): string {
    return this.name;
  }
}

export abstract class LifecycleError extends DomainError {
  readonly kind = 'conflict' as const;
}

export abstract class InvalidInput extends DomainError {
  readonly kind = 'invalid' as const;
}

export abstract class NotFound extends DomainError {
  readonly kind = 'not-found' as const;
}

/** The acting user may not do this, whatever the state of the agreement: HTTP 403. */
export abstract class Forbidden extends DomainError {
  readonly kind = 'forbidden' as const;
}

/** A file larger than the deployment accepts: HTTP 413. */
export abstract class TooLarge extends DomainError {
  readonly kind = 'too-large' as const;
}

/** A file whose content is of a kind not accepted, whatever its name says: HTTP 415. */
export abstract class UnsupportedType extends DomainError {
  readonly kind = 'unsupported-type' as const;
}
