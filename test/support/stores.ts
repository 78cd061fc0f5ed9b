import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { ReadModelStoreSelection } from '../../src/read-models/read-models.config';
import { type KurrentDbStandIn, startKurrentDbStandIn } from './kurrentdb-stand-in';
import { type PrivatePostgres, postgresSkipped, privatePostgresOfThisFile } from './private-postgres';
import type { TestAppOptions } from './test-app';

if (postgresSkipped) console.warn('PostgreSQL store pairs and read models skipped: PostgreSQL is not installed, or SINERGI_SKIP_POSTGRES=1');

/** The stores an application runs on, as TestApp options. */
export type AppStores = Pick<TestAppOptions, 'events' | 'readModels'>;

/** An event store and a read-model store of one kind, for specs that run the same story on each. */
export interface StorePair {
  name: string;
  /** Fresh, empty stores for one application. */
  stores(): Promise<AppStores>;
}

/** A read-model store of one kind, for specs of the read-model machinery. */
export interface ReadModelBackend {
  name: string;
  /** A fresh, empty one; a SQLite file goes in `dir`. */
  fresh(dir: string): Promise<ReadModelStoreSelection>;
}

export interface PostgresStores extends AppStores {
  events: { adapter: 'postgres'; url: string };
  readModels: { adapter: 'postgres'; url: string; schema: string };
}

/** Events and read models in a fresh database of the server: the read models in their own schema beside the events. */
export async function freshPostgresStores(server: PrivatePostgres): Promise<PostgresStores> {
  const url = await server.createDatabase(`sinergi_${randomUUID().replaceAll('-', '')}`);
  return { events: { adapter: 'postgres', url }, readModels: { adapter: 'postgres', url, schema: 'read_models' } };
}

/**
 * SQLite for both, and PostgreSQL for both (unless SINERGI_SKIP_POSTGRES=1), on a private server of the spec file;
 * with `kurrentDb`, also events on the KurrentDB stand-in (read models on SQLite).
 * Call at the top level of the file: `describe.each(storePairs())('... on $name', (pair) => ...)`.
 */
export function storePairs({ kurrentDb = false }: { kurrentDb?: boolean } = {}): StorePair[] {
  const postgres = privatePostgresOfThisFile();
  const sqlite: StorePair = { name: 'SQLite', stores: async () => ({}) };
  const pairs = postgresSkipped ? [sqlite] : [sqlite, { name: 'PostgreSQL', stores: async () => freshPostgresStores(await postgres()) }];
  return kurrentDb ? [...pairs, kurrentDbStandInPair()] : pairs;
}

/** Events on a fresh KurrentDB stand-in server for each application, stopped after the spec file's last test. */
function kurrentDbStandInPair(): StorePair {
  const standIns: KurrentDbStandIn[] = [];
  afterAll(() => Promise.all(standIns.map((standIn) => standIn.stop())));
  return {
    name: 'KurrentDB (stand-in server)',
    stores: async () => {
      const standIn = await startKurrentDbStandIn();
      standIns.push(standIn);
      return { events: { adapter: 'kurrentdb', url: standIn.url } };
    },
  };
}

/**
 * A SQLite file, and a schema of its own in one database of a private PostgreSQL server (unless
 * SINERGI_SKIP_POSTGRES=1). Call at the top level of the spec file.
 */
export function readModelBackends(): ReadModelBackend[] {
  const postgres = privatePostgresOfThisFile();
  let database: Promise<string> | undefined;
  const sqlite: ReadModelBackend = { name: 'SQLite', fresh: async (dir) => ({ adapter: 'sqlite', file: join(dir, 'read-models.sqlite') }) };
  const onPostgres: ReadModelBackend = {
    name: 'PostgreSQL',
    fresh: async () => {
      database ??= postgres().then((server) => server.createDatabase('read_models'));
      return { adapter: 'postgres', url: await database, schema: `read_models_${randomUUID().replaceAll('-', '').slice(0, 12)}` };
    },
  };
  return postgresSkipped ? [sqlite] : [sqlite, onPostgres];
}
