import { join } from 'node:path';
import type { SinergiConfig } from '../config/sinergi.config';
import { withoutPassword } from '../config/masked-url';

export type ProjectorMode = 'in-process' | 'external';

export const READ_MODEL_ADAPTERS = ['sqlite', 'postgres'] as const;

/** Where the read models are kept: a SQLite file, or a schema of a PostgreSQL database that several nodes share. */
export type ReadModelStoreSelection = { adapter: 'sqlite'; file: string } | { adapter: 'postgres'; url: string; schema: string };

/** The read models' store as /health and GET /projections show it: a URL's password is masked. */
export type ReadModelStoreLocation = { adapter: 'sqlite'; location: string } | { adapter: 'postgres'; location: string; schema: string };

export const DEFAULT_READ_MODEL_SCHEMA = 'read_models';

/** Where the read models are kept, and who keeps them up to date. */
export class ReadModelsConfig {
  constructor(
    readonly store: ReadModelStoreSelection,
    /** `external`: a `sinergi projector` process runs the projections; the server only reads. */
    readonly projector: ProjectorMode,
  ) {}

  static from(config: Pick<SinergiConfig, 'dataDir'>, env: NodeJS.ProcessEnv = process.env): ReadModelsConfig {
    const mode = env.SINERGI_PROJECTOR ?? 'in-process';
    if (mode !== 'in-process' && mode !== 'external') {
      throw new Error(`SINERGI_PROJECTOR must be in-process or external, got "${mode}"`);
    }
    return new ReadModelsConfig(readModelStoreFromEnv(config, env), mode);
  }

  get location(): ReadModelStoreLocation {
    return this.store.adapter === 'sqlite'
      ? { adapter: 'sqlite', location: this.store.file }
      : { adapter: 'postgres', location: withoutPassword(this.store.url), schema: this.store.schema };
  }
}

export const readModelFileOf = (config: Pick<SinergiConfig, 'dataDir'>): string => join(config.dataDir, 'read-models.sqlite');

function readModelStoreFromEnv(config: Pick<SinergiConfig, 'dataDir'>, env: NodeJS.ProcessEnv): ReadModelStoreSelection {
  const adapter = env.SINERGI_READ_MODELS ?? 'sqlite';
  switch (adapter) {
    case 'sqlite':
      return { adapter, file: readModelFileOf(config) };
    case 'postgres': {
      const url = env.SINERGI_READ_MODELS_URL || env.SINERGI_POSTGRES_URL;
      if (!url) {
        throw new Error(
          'SINERGI_READ_MODELS=postgres needs SINERGI_READ_MODELS_URL (or SINERGI_POSTGRES_URL, which it defaults to), ' +
            'for example SINERGI_READ_MODELS_URL=postgres://sinergi:secret@localhost:5432/sinergi',
        );
      }
      return { adapter, url, schema: env.SINERGI_READ_MODELS_SCHEMA || DEFAULT_READ_MODEL_SCHEMA };
    }
    default:
      throw new Error(`SINERGI_READ_MODELS must be one of ${READ_MODEL_ADAPTERS.join(', ')}, got "${adapter}"`);
  }
}
