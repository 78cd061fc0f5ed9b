import { existsSync, renameSync } from 'node:fs';
import { basename, join } from 'node:path';
import Database from 'better-sqlite3';
import type { UserRole } from '../access/principal';
import { userDecider, userStreamId } from '../access/user.decider';
import { type CommandProcessor, commandContextOf } from '../core/command-processor';
import type { Actor } from '../core/event';
import { canonicalJson } from '../core/hash-chain';
import { ContactDirectory } from '../regions/contact-directory';
import type { ContactRole } from '../regions/contacts';
import { type PolicyOverride, regionPolicyDecider, regionPolicyStreamId } from '../regions/region-policy';
import type { Registry } from './registry';
import type { SecretBox } from './secret-box';

/** Who records what the old files held: the engine, with the file named in each event's reason. */
export const TAKEOVER_ACTOR: Actor = { userId: 'sinergi-takeover', role: 'system', region: 'system' };

export interface TakeoverDependencies {
  processor: CommandProcessor;
  registry: Registry;
  secrets: SecretBox;
}

export interface TakeoverReport {
  file: string;
  /** Rows of the file, and how many of them this run recorded (the others were in the log already). */
  rows: number;
  recorded: number;
  /** Where the file went once the check passed. */
  movedTo: string;
  summary: string;
}

/** Something the old file holds is not in the log as the file has it: the file is kept, and nothing is renamed. */
export class TakeoverIncomplete extends Error {
  constructor(
    readonly file: string,
    readonly differences: readonly string[],
  ) {
    super(`${file} was not taken over: the log differs from it in ${differences.length} place(s): ${differences.slice(0, 10).join('; ')}`);
    this.name = 'TakeoverIncomplete';
  }
}

interface UserRow {
  user_id: string;
  name: string;
  role: UserRole;
  region: string;
  opd: string | null;
  national: number;
  token_sha256: string;
  created_at: string;
  revoked_at: string | null;
}

interface ContactRow {
  contact_id: string;
  region: string;
  role: ContactRole;
  opd: string | null;
  name: string;
  email: string | null;
  webhook_url: string | null;
  webhook_secret: string | null;
  daily_digest: number;
}

interface OverrideRow {
  region: string;
  override: string;
  updated_at: string;
  updated_by: string;
}

/**
 * Moves what `access.sqlite` (users and token digests) and `reminders.sqlite` (contacts, policy overrides) of this
 * node's data directory hold into the log, once: each row not yet in the log is recorded as the event that would
 * have made it, then every row is checked against the registry, and only when nothing is missing or different is
 * the file renamed (`<file>.taken-over`). Safe to run again, and on every node of a shared store.
 */
export async function takeOverLocalFiles(dataDir: string, deps: TakeoverDependencies, now = new Date()): Promise<TakeoverReport[]> {
  const reports: TakeoverReport[] = [];
  const access = join(dataDir, 'access.sqlite');
  if (existsSync(access)) reports.push(await takeOver(access, (db) => takeOverUsers(db, deps)));
  const reminders = join(dataDir, 'reminders.sqlite');
  if (existsSync(reminders)) reports.push(await takeOver(reminders, (db) => takeOverReminders(db, deps, now)));
  return reports;
}

async function takeOver(file: string, work: (db: Database.Database) => Promise<{ rows: number; recorded: number; differences: string[] }>): Promise<TakeoverReport> {
  const db = new Database(file, { fileMustExist: true });
  let outcome;
  try {
    outcome = await work(db);
  } finally {
    // The last connection to close folds the write-ahead log into the file, so the renamed file is whole.
    db.close();
  }
  if (outcome.differences.length > 0) throw new TakeoverIncomplete(file, outcome.differences);
  const movedTo = `${file}.taken-over`;
  renameSync(file, movedTo);
  return {
    file,
    ...outcome,
    movedTo,
    summary: `${basename(file)}: ${outcome.rows} rows checked in the log (${outcome.recorded} recorded now); the file is kept as ${basename(movedTo)}`,
  };
}

const rowsOf = <Row>(db: Database.Database, table: string, order: string): Row[] =>
  db.prepare<[string], { n: number }>("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ?").get(table)?.n
    ? (db.prepare(`SELECT * FROM ${table} ORDER BY ${order}`).all() as Row[])
    : [];

async function takeOverUsers(db: Database.Database, { processor, registry }: TakeoverDependencies) {
  const rows = rowsOf<UserRow>(db, 'users', 'created_at, user_id');
  let recorded = 0;
  let last = 0;
  for (const row of rows) {
    const stream = userStreamId(row.user_id);
    if (!registry.user(row.user_id)) {
      const data = { userId: row.user_id, name: row.name, role: row.role, region: row.region, ...(row.opd ? { opd: row.opd } : {}), national: row.national === 1, tokenSha256: row.token_sha256 };
      last = (await processor.handle(userDecider, stream, { type: 'AddUser', data }, commandContextOf(TAKEOVER_ACTOR, new Date(row.created_at), 'taken over from access.sqlite'))).position;
      recorded++;
    }
    if (row.revoked_at && !registry.user(row.user_id)?.revokedAt) {
      const command = { type: 'RevokeUser' as const, data: { userId: row.user_id } };
      last = Math.max(last, (await processor.handle(userDecider, stream, command, commandContextOf(TAKEOVER_ACTOR, new Date(row.revoked_at), 'taken over from access.sqlite'))).position);
    }
  }
  await registry.caughtUpTo(last);
  const differences = rows.flatMap((row) => {
    const user = registry.user(row.user_id);
    if (!user) return [`user ${row.user_id} is missing`];
    const same =
      user.name === row.name &&
      user.role === row.role &&
      user.region === row.region &&
      (user.opd ?? null) === row.opd &&
      user.national === (row.national === 1) &&
      registry.tokenDigestOf(row.user_id) === row.token_sha256 &&
      Boolean(user.revokedAt) === Boolean(row.revoked_at);
    return same ? [] : [`user ${row.user_id} is recorded otherwise in the log`];
  });
  return { rows: rows.length, recorded, differences };
}

async function takeOverReminders(db: Database.Database, deps: TakeoverDependencies, now: Date) {
  const { processor, registry, secrets } = deps;
  const contacts = new ContactDirectory(processor, registry, secrets);
  const contactRows = rowsOf<ContactRow>(db, 'contacts', 'contact_id');
  const overrideRows = rowsOf<OverrideRow>(db, 'policy_overrides', 'region');
  let recorded = 0;
  for (const row of contactRows) {
    if (registry.contactOfRegion(row.region, row.contact_id) || registry.regionOfContactId(row.contact_id)) continue;
    const input = {
      role: row.role,
      ...(row.opd ? { opd: row.opd } : {}),
      name: row.name,
      ...(row.email ? { email: row.email } : {}),
      ...(row.webhook_url ? { webhookUrl: row.webhook_url } : {}),
      ...(row.webhook_secret ? { webhookSecret: row.webhook_secret } : {}),
      dailyDigest: row.daily_digest === 1,
    };
    await contacts.save(row.region, row.contact_id, input, TAKEOVER_ACTOR, now);
    recorded++;
  }
  for (const row of overrideRows) {
    if (registry.policyOverride(row.region)) continue;
    const override = JSON.parse(row.override) as PolicyOverride;
    const context = commandContextOf(TAKEOVER_ACTOR, new Date(row.updated_at), `taken over from reminders.sqlite (last changed by ${row.updated_by})`);
    const { position } = await processor.handle(regionPolicyDecider, regionPolicyStreamId(row.region), { type: 'ChangeReminderPolicy', data: { region: row.region, override } }, context);
    await registry.caughtUpTo(position);
    recorded++;
  }
  const differences = [
    ...contactRows.flatMap((row) => {
      const contact = registry.contactOfRegion(row.region, row.contact_id);
      if (!contact) return [`contact ${row.contact_id} of region ${row.region} is missing`];
      const same =
        contact.role === row.role &&
        (contact.opd ?? null) === row.opd &&
        contact.name === row.name &&
        (contact.email ?? null) === row.email &&
        (contact.webhookUrl ?? null) === row.webhook_url &&
        (contact.webhookSecret ?? null) === row.webhook_secret &&
        contact.dailyDigest === (row.daily_digest === 1);
      return same ? [] : [`contact ${row.contact_id} of region ${row.region} is recorded otherwise in the log`];
    }),
    ...overrideRows.flatMap((row) => {
      const recordedOverride = registry.policyOverride(row.region);
      if (!recordedOverride) return [`the policy override of region ${row.region} is missing`];
      return canonicalJson(recordedOverride.override) === canonicalJson(JSON.parse(row.override)) ? [] : [`the policy override of region ${row.region} is recorded otherwise in the log`];
    }),
  ];
  return { rows: contactRows.length + overrideRows.length, recorded, differences };
}
