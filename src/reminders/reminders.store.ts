import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { NotFound } from '../core/domain-error';

export type ContactRole = 'coordinator' | 'opd' | 'opd-head';
export const CONTACT_ROLES: readonly ContactRole[] = ['coordinator', 'opd', 'opd-head'];

/** Someone reminders reach: a region's coordinators, an OPD's staff, or an OPD's head. */
export interface Contact {
  contactId: string;
  region: string;
  role: ContactRole;
  /** The OPD, for `opd` and `opd-head`. */
  opd?: string;
  name: string;
  email?: string;
  webhookUrl?: string;
  /** Signs webhook bodies (HMAC-SHA256); never shown by the API. */
  webhookSecret?: string;
  /** One mail a day with everything due, instead of one per reminder. */
  dailyDigest: boolean;
}

export class UnknownContact extends NotFound {
  constructor(contactId: string) {
    super(`no contact ${contactId}`, 'contactId');
  }
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

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS contacts (
    contact_id     TEXT PRIMARY KEY,
    region         TEXT NOT NULL,
    role           TEXT NOT NULL,
    opd            TEXT,
    name           TEXT NOT NULL,
    email          TEXT,
    webhook_url    TEXT,
    webhook_secret TEXT,
    daily_digest   INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX IF NOT EXISTS contacts_by_region ON contacts (region, role, opd);
  CREATE TABLE IF NOT EXISTS policy_overrides (
    region     TEXT PRIMARY KEY,
    override   TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
  );
`;

/**
 * The OPD and coordinator directory and the regions' reminder policy overrides, in `<dataDir>/reminders.sqlite`:
 * configuration that operators manage, not history, so it lives beside the event store rather than in it.
 */
export class RemindersStore {
  private constructor(private readonly db: Database.Database) {}

  static open(file: string): RemindersStore {
    mkdirSync(dirname(file), { recursive: true });
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.exec(SCHEMA);
    return new RemindersStore(db);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  saveContact(contact: Contact): void {
    this.db
      .prepare(
        `INSERT INTO contacts (contact_id, region, role, opd, name, email, webhook_url, webhook_secret, daily_digest)
         VALUES (@contactId, @region, @role, @opd, @name, @email, @webhookUrl, @webhookSecret, @dailyDigest)
         ON CONFLICT (contact_id) DO UPDATE SET region = excluded.region, role = excluded.role, opd = excluded.opd,
           name = excluded.name, email = excluded.email, webhook_url = excluded.webhook_url,
           webhook_secret = excluded.webhook_secret, daily_digest = excluded.daily_digest`,
      )
      .run({
        contactId: contact.contactId,
        region: contact.region,
        role: contact.role,
        opd: contact.opd ?? null,
        name: contact.name,
        email: contact.email ?? null,
        webhookUrl: contact.webhookUrl ?? null,
        webhookSecret: contact.webhookSecret ?? null,
        dailyDigest: contact.dailyDigest ? 1 : 0,
      });
  }

  removeContact(contactId: string): void {
    if (this.db.prepare('DELETE FROM contacts WHERE contact_id = ?').run(contactId).changes === 0) throw new UnknownContact(contactId);
  }

  contact(contactId: string): Contact | undefined {
    const row = this.db.prepare<[string], ContactRow>('SELECT * FROM contacts WHERE contact_id = ?').get(contactId);
    return row && contactOf(row);
  }

  contactsOfRegion(region: string): Contact[] {
    return this.db.prepare<[string], ContactRow>('SELECT * FROM contacts WHERE region = ? ORDER BY contact_id').all(region).map(contactOf);
  }

  /** The contacts a recipient of a deadline stands for: a region's coordinators, or the staff or head of one OPD. */
  contactsFor(recipient: { region: string; role: ContactRole; opd?: string }): Contact[] {
    return this.db
      .prepare<[string, string, string], ContactRow>(
        `SELECT * FROM contacts WHERE region = ? AND role = ? AND coalesce(opd, '') = ? ORDER BY contact_id`,
      )
      .all(recipient.region, recipient.role, recipient.role === 'coordinator' ? '' : (recipient.opd ?? ''))
      .map(contactOf);
  }

  policyOverrides(): { region: string; override: string }[] {
    return this.db.prepare<[], { region: string; override: string }>('SELECT region, override FROM policy_overrides').all();
  }

  savePolicyOverride(region: string, override: string, by: string, at: string): void {
    this.db
      .prepare(
        `INSERT INTO policy_overrides (region, override, updated_at, updated_by) VALUES (?, ?, ?, ?)
         ON CONFLICT (region) DO UPDATE SET override = excluded.override, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      )
      .run(region, override, at, by);
  }
}

function contactOf(row: ContactRow): Contact {
  return {
    contactId: row.contact_id,
    region: row.region,
    role: row.role,
    ...(row.opd ? { opd: row.opd } : {}),
    name: row.name,
    ...(row.email ? { email: row.email } : {}),
    ...(row.webhook_url ? { webhookUrl: row.webhook_url } : {}),
    ...(row.webhook_secret ? { webhookSecret: row.webhook_secret } : {}),
    dailyDigest: row.daily_digest === 1,
  };
}
