import { join, resolve } from 'node:path';

export const EVENT_STORE_ADAPTERS = ['sqlite', 'postgres', 'kurrentdb'] as const;

/** Which event store runs, with what it needs to connect. */
export type EventStoreSelection =
  | { adapter: 'sqlite' }
  | { adapter: 'postgres'; url: string }
  | { adapter: 'kurrentdb'; url: string };

/** Everything Sinergi reads from its environment, read once at start. */
export class SinergiConfig {
  constructor(
    readonly port: number,
    readonly dataDir: string,
    /** Largest accepted request body. */
    readonly bodyLimit: string,
    readonly eventStore: EventStoreSelection = { adapter: 'sqlite' },
  ) {}

  static fromEnv(env: NodeJS.ProcessEnv = process.env): SinergiConfig {
    const port = Number(env.PORT ?? 3000);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new Error(`PORT must be a TCP port number, got "${env.PORT}"`);
    }
    return new SinergiConfig(port, resolve(env.SINERGI_DATA_DIR ?? './data'), env.SINERGI_BODY_LIMIT ?? '100kb', eventStoreFromEnv(env));
  }

  /** The embedded store's file; also the source of `sinergi migrate`. */
  get eventStoreFile(): string {
    return join(this.dataDir, 'events.sqlite');
  }

  /** Where the events are, safe to print or show on /health: a URL's password is masked. */
  get eventStoreLocation(): string {
    return this.eventStore.adapter === 'sqlite' ? this.eventStoreFile : withoutPassword(this.eventStore.url);
  }
}

function eventStoreFromEnv(env: NodeJS.ProcessEnv): EventStoreSelection {
  const adapter = env.SINERGI_EVENT_STORE ?? 'sqlite';
  switch (adapter) {
    case 'sqlite':
      return { adapter };
    case 'postgres':
      return { adapter, url: required(env, 'SINERGI_POSTGRES_URL', 'SINERGI_EVENT_STORE=postgres', 'postgres://sinergi:secret@localhost:5432/sinergi') };
    case 'kurrentdb':
      return { adapter, url: required(env, 'KURRENTDB_URL', 'SINERGI_EVENT_STORE=kurrentdb', 'kurrentdb://localhost:2113?tls=false') };
    default:
      throw new Error(`SINERGI_EVENT_STORE must be one of ${EVENT_STORE_ADAPTERS.join(', ')}, got "${adapter}"`);
  }
}

function required(env: NodeJS.ProcessEnv, name: string, because: string, example: string): string {
  const value = env[name];
  if (!value) throw new Error(`${because} needs ${name}, for example ${name}=${example}`);
  return value;
}

export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.password) return url;
    parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
  }
}
