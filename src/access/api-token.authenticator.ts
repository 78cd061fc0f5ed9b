import { Authenticator, TokenRejected } from './authenticator';
import type { Principal } from './principal';
import { API_TOKEN_PREFIX, type Users } from './users';

/** The built-in users' opaque API tokens, looked up by their SHA-256 in the registry folded from the log. */
export class ApiTokenAuthenticator extends Authenticator {
  constructor(private readonly users: Users) {
    super();
  }

  async authenticate(token: string): Promise<Principal | undefined> {
    if (!token.startsWith(API_TOKEN_PREFIX)) return undefined;
    const principal = await this.users.principalFor(token);
    if (!principal) throw new TokenRejected('the API token is unknown or revoked');
    return principal;
  }
}
