import { join, resolve } from 'node:path';

/** Everything Sinergi reads from its environment, read once at start. */
export class SinergiConfig {
  constructor(
    readonly port: number,
    readonly dataDir: string,
    /** Largest accepted request body. */
    readonly bodyLimit: string,
  ) {}

  static fromEnv(env: NodeJS.ProcessEnv = process.env): SinergiConfig {
    const port = Number(env.PORT ?? 3000);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new Error(`PORT must be a TCP port number, got "${env.PORT}"`);
    }
    return new SinergiConfig(port, resolve(env.SINERGI_DATA_DIR ?? './data'), env.SINERGI_BODY_LIMIT ?? '100kb');
  }

  get eventStoreFile(): string {
    return join(this.dataDir, 'events.sqlite');
  }
}
