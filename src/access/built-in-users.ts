import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { InvalidInput, NotFound } from '../core/domain-error';
import { type Principal, type UserRole, principalProblem } from './principal';

/** A user of a single-site deployment, as `sinergi user list` shows it: never the token. */
export interface BuiltInUser {
  userId: string;
  name: string;
  role: UserRole;
  region: string;
  opd?: string;
  national: boolean;
  createdAt: string;
  revokedAt?: string;
}

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

export class UnknownUser extends NotFound {
  constructor(userId: string) {
    super(`no user ${userId}`, 'userId');
  }
}

interface UserRow {
  user_id: string;
  name: string;
  role: UserRole;
  region: string;
  opd: string | null;
  national: number;
  created_at: string;
  revoked_at: string | null;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS users (
    user_id      TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    role         TEXT NOT NULL,
    region       TEXT NOT NULL,
    opd          TEXT,
    national     INTEGER NOT NULL DEFAULT 0,
    -- Only the SHA-256 of the token is kept: a copy of this file lets nobody sign in.
    token_sha256 TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    revoked_at   TEXT
  );
`;

/** Tokens are long random secrets, so one unsalted SHA-256 is enough to keep them unusable from a stolen file. */
export const tokenDigest = (token: string): string => createHash('sha256').update(token).digest('hex');

const CACHED_PRINCIPALS = 10_000;

/** `sng_` marks Sinergi's own tokens, so they are told apart from JWTs and found by secret scanners. */
export const API_TOKEN_PREFIX = 'sng_';

/** The users and API tokens of a single-site deployment, in `<dataDir>/access.sqlite`. */
export class BuiltInUsers {
  private readonly statements;
  /**
   * Principals of tokens seen lately, so a request costs no hash and no query. Valid while no other connection
   * has written the file (SQLite's data_version: `sinergi user revoke` in another process), cleared on our own
   * writes: a revoked token is refused from the next request on.
   */
  private readonly principals = new Map<string, Principal>();
  private seenVersion = -1;

  private constructor(private readonly db: Database.Database) {
    this.statements = {
      insert: db.prepare(
        `INSERT INTO users (user_id, name, role, region, opd, national, token_sha256, created_at)
         VALUES (@userId, @name, @role, @region, @opd, @national, @tokenSha256, @createdAt)`,
      ),
      byToken: db.prepare<[string], UserRow>('SELECT * FROM users WHERE token_sha256 = ? AND revoked_at IS NULL'),
      byId: db.prepare<[string], UserRow>('SELECT * FROM users WHERE user_id = ?'),
      all: db.prepare<[], UserRow>('SELECT * FROM users ORDER BY created_at, user_id'),
      revoke: db.prepare<[string, string]>('UPDATE users SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL'),
      dataVersion: db.prepare<[], number>('PRAGMA data_version').pluck(),
    };
  }

  static open(file: string): BuiltInUsers {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
    const db = new Database(file);
    try {
      db.pragma('busy_timeout = 5000');
      db.pragma('journal_mode = WAL');
      db.exec(SCHEMA);
    } catch (error) {
      db.close();
      throw error;
    }
    return new BuiltInUsers(db);
  }

  /**
   * Adds a user with a new token and returns the token: it is shown this once and kept only as its digest.
   * `isKnownRegion` checks the region code against the official list.
   */
  add(user: NewUser, isKnownRegion: (code: string) => boolean, now = new Date()): { user: BuiltInUser; token: string } {
    const national = user.national ?? false;
    const problem = principalProblem({ ...user, national });
    if (problem) throw new InvalidUser(problem);
    if (!user.name.trim()) throw new InvalidUser('a user needs a name');
    if (!isKnownRegion(user.region)) throw new InvalidUser(`${user.region} is not an official Kemendagri region code`);
    const userId = user.userId?.trim() || randomUUID();
    if (this.statements.byId.get(userId)) throw new InvalidUser(`a user ${userId} already exists`);
    const token = `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const createdAt = now.toISOString();
    this.principals.clear();
    this.statements.insert.run({
      userId,
      name: user.name.trim(),
      role: user.role,
      region: user.region,
      opd: user.opd ?? null,
      national: national ? 1 : 0,
      tokenSha256: tokenDigest(token),
      createdAt,
    });
    return { user: this.get(userId), token };
  }

  list(): BuiltInUser[] {
    return this.statements.all.all().map(toUser);
  }

  get(userId: string): BuiltInUser {
    const row = this.statements.byId.get(userId);
    if (!row) throw new UnknownUser(userId);
    return toUser(row);
  }

  /** Revokes the user's token at once; the user stays listed, so past events keep a known author. */
  revoke(userId: string, now = new Date()): BuiltInUser {
    this.get(userId);
    this.principals.clear();
    this.statements.revoke.run(now.toISOString(), userId);
    return this.get(userId);
  }

  /** The user a token belongs to, unless it is unknown or revoked. */
  principalFor(token: string): Principal | undefined {
    const version = this.statements.dataVersion.get() as number;
    if (version !== this.seenVersion) {
      this.principals.clear();
      this.seenVersion = version;
    }
    const cached = this.principals.get(token);
    if (cached) return cached;
    const row = this.statements.byToken.get(tokenDigest(token));
    if (!row) return undefined;
    const { userId, name, role, region, opd, national } = toUser(row);
    const principal: Principal = { userId, name, role, region, ...(opd ? { opd } : {}), national, via: 'api-token' };
    if (this.principals.size >= CACHED_PRINCIPALS) this.principals.clear();
    this.principals.set(token, Object.freeze(principal));
    return principal;
  }

  close(): void {
    this.db.close();
  }
}

function toUser(row: UserRow): BuiltInUser {
  return {
    userId: row.user_id,
    name: row.name,
    role: row.role,
    region: row.region,
    ...(row.opd ? { opd: row.opd } : {}),
    national: row.national === 1,
    createdAt: row.created_at,
    ...(row.revoked_at ? { revokedAt: row.revoked_at } : {}),
  };
}
