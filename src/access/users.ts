import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { type CommandProcessor, commandContextOf as contextOf } from '../core/command-processor';
import { Forbidden, InvalidInput } from '../core/domain-error';
import type { Actor } from '../core/event';
import type { BuiltInUser, Registry } from '../registry/registry';
import type { AccessConfig } from './access.config';
import { type Principal, type UserRole, principalProblem } from './principal';
import { UnknownUser, userDecider, userStreamId } from './user.decider';

export interface NewUser {
  /** Chosen by the admin (an e-mail address, an NIP) or generated. */
  userId?: string;
  name: string;
  role: UserRole;
  region: string;
  opd?: string;
  national?: boolean;
}

export class InvalidUser extends InvalidInput {}

/** The deployment admits built-in users of some regions only (`SINERGI_BUILT_IN_USER_REGIONS`). */
export class BuiltInUserOfAnotherRegion extends Forbidden {
  constructor(region: string, admitted: readonly string[]) {
    super(`this deployment admits built-in users of ${admitted.join(', ')} only, not of ${region}; people of other regions sign in with single sign-on`, 'region');
  }
}

/** Tokens are long random secrets, so one unsalted SHA-256 keeps them unusable from the log or a backup. */
export const tokenDigest = (token: string): string => createHash('sha256').update(token).digest('hex');

/** `sng_` marks Sinergi's own tokens, so they are told apart from JWTs and found by secret scanners. */
export const API_TOKEN_PREFIX = 'sng_';

/**
 * The built-in users and their API tokens: created and revoked by commands on their own streams (`user-<id>`), read
 * from the registry every node folds from the log. Who created or revoked a user is the actor of that event.
 */
export class Users {
  constructor(
    private readonly processor: CommandProcessor,
    private readonly registry: Registry,
    private readonly access: AccessConfig,
    private readonly isKnownRegion: (code: string) => boolean,
  ) {}

  /** Adds a user with a new token and returns the token: it is shown this once and recorded only as its digest. */
  async add(user: NewUser, by: Actor, at: Date): Promise<{ user: BuiltInUser; token: string }> {
    const national = user.national ?? false;
    const problem = principalProblem({ ...user, national });
    if (problem) throw new InvalidUser(problem);
    if (!user.name.trim()) throw new InvalidUser('a user needs a name', 'name');
    if (!this.isKnownRegion(user.region)) throw new InvalidUser(`${user.region} is not an official Kemendagri region code`, 'region');
    if (!this.access.admitsBuiltInUserOf(user.region)) throw new BuiltInUserOfAnotherRegion(user.region, this.access.builtInUserRegions);
    const userId = user.userId?.trim() || randomUUID();
    const token = `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const data = { userId, name: user.name.trim(), role: user.role, region: user.region, ...(user.opd ? { opd: user.opd } : {}), national, tokenSha256: tokenDigest(token) };
    const result = await this.processor.handle(userDecider, userStreamId(userId), { type: 'AddUser', data }, contextOf(by, at));
    await this.registry.caughtUpTo(result.position);
    return { user: this.get(userId), token };
  }

  /** Revokes the user's token at once, on every node; the user stays listed, so past events keep a known author. */
  async revoke(userId: string, by: Actor, at: Date): Promise<BuiltInUser> {
    const result = await this.processor.handle(userDecider, userStreamId(userId), { type: 'RevokeUser', data: { userId } }, contextOf(by, at));
    await this.registry.caughtUpTo(result.position);
    return this.get(userId);
  }

  list(): BuiltInUser[] {
    return this.registry.allUsers();
  }

  get(userId: string): BuiltInUser {
    const user = this.registry.user(userId);
    if (!user) throw new UnknownUser(userId);
    return user;
  }

  /**
   * The active user a token belongs to, unless it is unknown, revoked, or of a region this deployment does not
   * admit. Asked of the registry once it holds what the store holds now (one query for the head), so that a user
   * added on another node a moment ago signs in here at once, and a token revoked there is refused here at once.
   */
  async principalFor(token: string): Promise<Principal | undefined> {
    await this.registry.caughtUpWithStore();
    const principal = this.registry.principalOfDigest(tokenDigest(token));
    return principal && this.access.admitsBuiltInUserOf(principal.region) ? principal : undefined;
  }
}
