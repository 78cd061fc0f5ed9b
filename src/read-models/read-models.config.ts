import { join } from 'node:path';
import type { SinergiConfig } from '../config/sinergi.config';

export type ProjectorMode = 'in-process' | 'external';

/** Where the read models are kept, and who keeps them up to date. */
export class ReadModelsConfig {
  constructor(
    readonly file: string,
    /** `external`: a `sinergi projector` process runs the projections; the server only reads. */
    readonly projector: ProjectorMode,
  ) {}

  static from(config: SinergiConfig, env: NodeJS.ProcessEnv = process.env): ReadModelsConfig {
    const mode = env.SINERGI_PROJECTOR ?? 'in-process';
    if (mode !== 'in-process' && mode !== 'external') {
      throw new Error(`SINERGI_PROJECTOR must be in-process or external, got "${mode}"`);
    }
    return new ReadModelsConfig(readModelFileOf(config), mode);
  }
}

export const readModelFileOf = (config: Pick<SinergiConfig, 'dataDir'>): string => join(config.dataDir, 'read-models.sqlite');
