import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { AccessConfig } from '../../src/access/access.config';
import type { UserRole } from '../../src/access/principal';
import { Users } from '../../src/access/users';
import { SinergiConfig } from '../../src/config/sinergi.config';
import { SqliteEventStore } from '../../src/infrastructure/sqlite/sqlite.event-store';
import { freePort } from './private-redis';
import { registryNode } from './registry-node';
import { waitUntil } from './wait-until';

/** Adds users as `sinergi user add` does (events in the store the server then opens); their tokens, in order. */
export async function addUsers(dataDir: string, users: readonly { userId: string; role: UserRole; region: string }[]): Promise<string[]> {
  const store = SqliteEventStore.open(new SinergiConfig(0, dataDir, '100kb').eventStoreFile);
  const node = await registryNode(store);
  const added = new Users(node.processor, node.registry, new AccessConfig(undefined), () => true);
  const tokens: string[] = [];
  for (const user of users) {
    tokens.push((await added.add({ ...user, name: user.userId }, { userId: 'cli:test', role: 'admin', region: 'deployment' }, new Date())).token);
  }
  await node.close();
  await store.close();
  return tokens;
}

/** The server as `sinergi start` runs it, in a process of its own, on the data directory and with `env` added. */
export class ServerProcess {
  private output = '';
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.stdout?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
  }

  static async start(dataDir: string, env: Record<string, string>): Promise<ServerProcess> {
    const port = await freePort();
    const child = spawn(process.execPath, ['--require', './test/support/swc-register.js', 'src/main.ts'], {
      cwd: join(__dirname, '../..'),
      env: { PATH: process.env.PATH, PORT: String(port), SINERGI_DATA_DIR: dataDir, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const server = new ServerProcess(child, `http://127.0.0.1:${port}`);
    await waitUntil(() => server.output.includes('listening on') || child.exitCode !== null, 'the server to listen', 60_000);
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}:\n${server.output}`);
    return server;
  }

  /** What it wrote on stdout and stderr so far. */
  get log(): string {
    return this.output;
  }

  /** Stopped as a service manager stops it (SIGTERM: the shutdown hooks run). */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}
