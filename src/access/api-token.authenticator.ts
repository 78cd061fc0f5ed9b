import { Authenticator, TokenRejected } from './authenticator';
import { API_TOKEN_PREFIX, type BuiltInUsers } from './built-in-users';
import type { Principal } from './principal';

/** The built-in users' opaque API tokens, looked up by their SHA-256. */
export class ApiTokenAuthenticator extends Authenticator {
  constructor(private readonly users: BuiltInUsers) {
    super();
  }

  async authenticate(token: string): Promise<Principal | undefined> {
    if (!token.startsWith(API_TOKEN_PREFIX)) return undefined;
    const principal = this.users.principalFor(token);
    if (!principal) throw new TokenRejected('the API token is unknown or revoked');
    return principal;
  }
}
