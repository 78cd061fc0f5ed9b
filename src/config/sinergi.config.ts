import { join, resolve } from 'node:path';
import { type EventStoreSelection, eventStoreFromEnv } from '../infrastructure/event-store-adapters';
import { withoutPassword } from './masked-url';

/** Everything Sinergi reads from its environment, read once at start. */
export class SinergiConfig {
  constructor(
    readonly port: number,
    readonly dataDir: string,
    /** Largest accepted request body. */
    readonly bodyLimit: string,
    readonly eventStore: EventStoreSelection = { adapter: 'sqlite' },
    readonly reminders: RemindersSettings = remindersDisabled('REDIS_URL is not set'),
  ) {}

  static fromEnv(env: NodeJS.ProcessEnv = process.env): SinergiConfig {
    const port = Number(env.PORT ?? 3000);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new Error(`PORT must be a TCP port number, got "${env.PORT}"`);
    }
    return new SinergiConfig(
      port,
      resolve(env.SINERGI_DATA_DIR ?? './data'),
      env.SINERGI_BODY_LIMIT ?? '100kb',
      eventStoreFromEnv(env),
      remindersFromEnv(env, port),
    );
  }

  /** The embedded store's file; also the source of `sinergi migrate`. */
  get eventStoreFile(): string {
    return join(this.dataDir, 'events.sqlite');
  }

  /** Where the events are, safe to print or show on /health: a URL's password is masked. */
  get eventStoreLocation(): string {
    return 'url' in this.eventStore ? withoutPassword(this.eventStore.url) : this.eventStoreFile;
  }
}

/** Reminders run when Redis is given; mail goes out when an SMTP server is given. */
export interface RemindersSettings {
  redisUrl?: string;
  /** Why reminders are off, when they are. */
  disabledReason?: string;
  smtpUrl?: string;
  mailFrom: string;
  /** Where links in reminders point. */
  publicUrl: string;
  /** BullMQ key prefix. */
  queuePrefix: string;
  /** Regions' policy overrides: `{ "regions": { "36": { ... } } }`. */
  policyFile?: string;
  pollMs: number;
  attempts: number;
  backoffMs: number;
  concurrency: number;
  /** How long a worker's hold on a job lasts unrenewed: a job whose worker died runs again after this (BullMQ lockDuration). */
  lockMs?: number;
  /** Internal webhook receivers the deployment allows (`SINERGI_WEBHOOK_ALLOW`): host names, `*.domain`, addresses, networks. */
  webhookAllow?: string;
}

export function remindersDisabled(reason: string): RemindersSettings {
  return { disabledReason: reason, mailFrom: 'Sinergi <sinergi@localhost>', publicUrl: 'http://localhost:3000', queuePrefix: 'sinergi', pollMs: 1_000, attempts: 5, backoffMs: 30_000, concurrency: 10 };
}

function remindersFromEnv(env: NodeJS.ProcessEnv, port: number): RemindersSettings {
  const base = remindersDisabled(
    'REDIS_URL is not set: start with scripts/up.sh where redis-server is installed (apt-get install redis-server), or set REDIS_URL',
  );
  return {
    ...base,
    ...(env.REDIS_URL ? { redisUrl: env.REDIS_URL, disabledReason: undefined } : {}),
    smtpUrl: env.SINERGI_SMTP_URL,
    mailFrom: env.SINERGI_MAIL_FROM ?? base.mailFrom,
    publicUrl: env.SINERGI_PUBLIC_URL ?? `http://localhost:${port}`,
    queuePrefix: env.SINERGI_REMINDER_PREFIX ?? base.queuePrefix,
    policyFile: env.SINERGI_POLICY_FILE,
    webhookAllow: env.SINERGI_WEBHOOK_ALLOW,
  };
}
