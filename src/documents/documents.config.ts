import { join } from 'node:path';
import type { SinergiConfig } from '../config/sinergi.config';
import { withoutPassword } from '../config/masked-url';

export const DOCUMENT_STORES = ['files', 'postgres'] as const;

/** Where documents are kept: files in the data directory, or PostgreSQL so that every node serves every file. */
export type DocumentStoreSelection = { adapter: 'files'; directory: string } | { adapter: 'postgres'; url: string };

export const DEFAULT_DOCUMENT_MAX_MB = 20;

export class DocumentsConfig {
  constructor(
    readonly store: DocumentStoreSelection,
    /** Largest document accepted. */
    readonly maxBytes: number = DEFAULT_DOCUMENT_MAX_MB * 1024 * 1024,
  ) {}

  static from(config: Pick<SinergiConfig, 'dataDir'>, env: NodeJS.ProcessEnv = process.env): DocumentsConfig {
    const maxMb = Number(env.SINERGI_DOCUMENT_MAX_MB ?? DEFAULT_DOCUMENT_MAX_MB);
    if (!(maxMb > 0)) throw new Error(`SINERGI_DOCUMENT_MAX_MB must be a positive number of megabytes, got "${env.SINERGI_DOCUMENT_MAX_MB}"`);
    return new DocumentsConfig(documentStoreFromEnv(config, env), Math.floor(maxMb * 1024 * 1024));
  }

  get location(): string {
    return this.store.adapter === 'files' ? this.store.directory : withoutPassword(this.store.url);
  }
}

export const documentDirectoryOf = (config: Pick<SinergiConfig, 'dataDir'>): string => join(config.dataDir, 'documents');

function documentStoreFromEnv(config: Pick<SinergiConfig, 'dataDir'>, env: NodeJS.ProcessEnv): DocumentStoreSelection {
  const adapter = env.SINERGI_DOCUMENTS ?? 'files';
  switch (adapter) {
    case 'files':
      return { adapter, directory: documentDirectoryOf(config) };
    case 'postgres': {
      const url = env.SINERGI_DOCUMENTS_URL || env.SINERGI_POSTGRES_URL;
      if (!url) {
        throw new Error(
          'SINERGI_DOCUMENTS=postgres needs SINERGI_DOCUMENTS_URL (or SINERGI_POSTGRES_URL, which it defaults to), ' +
            'for example SINERGI_DOCUMENTS_URL=postgres://sinergi:secret@localhost:5432/sinergi',
        );
      }
      return { adapter, url };
    }
    default:
      throw new Error(`SINERGI_DOCUMENTS must be one of ${DOCUMENT_STORES.join(', ')}, got "${adapter}"`);
  }
}
