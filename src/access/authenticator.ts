import type { Principal } from './principal';

/** A token of the authenticator's kind that does not verify; `reason` is safe to show (it never holds the token). */
export class TokenRejected extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'TokenRejected';
  }
}

/** A token that verifies but does not say who its holder is in Sinergi (role, region, OPD): the identity provider's records lack it. */
export class NotASinergiUser extends TokenRejected {
  constructor(reason: string) {
    super(reason);
    this.name = 'NotASinergiUser';
  }
}

/** The identity provider's keys could not be fetched: no token can be judged, which is not the caller's fault. */
export class IdentityProviderUnavailable extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'IdentityProviderUnavailable';
  }
}

/**
 * Turns a bearer token into the user it speaks for. Resolves `undefined` for a token that is not of its kind,
 * rejects with {@link TokenRejected} for one that is but fails verification.
 */
export abstract class Authenticator {
  abstract authenticate(token: string): Promise<Principal | undefined>;
}

/** The deployment's authenticators, asked in order: the first that knows the token answers. */
export class AuthenticatorChain extends Authenticator {
  constructor(private readonly authenticators: readonly Authenticator[]) {
    super();
  }

  async authenticate(token: string): Promise<Principal | undefined> {
    for (const authenticator of this.authenticators) {
      const principal = await authenticator.authenticate(token);
      if (principal) return principal;
    }
    return undefined;
  }
}
