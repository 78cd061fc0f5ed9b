import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { locateSystemPart, missingMessage, missingParts } from '../../scripts/ensure-deps';

const run = promisify(execFile);

export interface PrivatePostgres {
  /** A database of its own on the private server, for one test file or one test. */
  createDatabase(name: string): Promise<string>;
  /** Stops the server and removes its directory. */
  stop(): Promise<void>;
}

export const POSTGRES_MISSING = `PostgreSQL's server binaries (initdb, pg_ctl) are not installed:\n${missingMessage(missingParts('test'), 'test')}`;

/**
 * True when the PostgreSQL specs cannot run here (not installed; the not-run reporter then says how to install it),
 * or were switched off on purpose with SINERGI_SKIP_POSTGRES=1.
 */
export const postgresSkipped = process.env.SINERGI_SKIP_POSTGRES === '1' || !locateSystemPart('postgres');

/**
 * One private server for the tests of a spec file that ask for it: started by the first, stopped after the file's
 * last test. Call it at the top level of the file; a file whose tests never ask starts nothing.
 */
export function privatePostgresOfThisFile(): () => Promise<PrivatePostgres> {
  let server: Promise<PrivatePostgres> | undefined;
  afterAll(async () => {
    if (server) await (await server).stop();
  });
  return () => (server ??= startPrivatePostgres());
}

/**
 * Starts a throwaway PostgreSQL server (fsync on, the durability the adapter promises) on a free loopback port,
 * with its data and socket in a temporary directory, so a test never touches a server it did not start.
 * initdb refuses to run as root: as root the server runs as the `postgres` user the Debian package creates.
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = findServerBinaries();
  const directory = mkdtempSync(join(tmpdir(), 'sinergi-pg-'));
  const data = join(directory, 'data');
  const asServerUser = serverUser();
  try {
    if (asServerUser) chownSync(directory, asServerUser.uid, asServerUser.gid);
    const exec = (file: string, args: string[]) =>
      asServerUser ? run('runuser', ['-u', 'postgres', '--', file, ...args]) : run(file, args);
    // --no-sync only skips flushing initdb's own files of a throwaway cluster; the server itself runs with fsync on.
    await exec(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    const port = await freePort();
    const serverOptions = `-p ${port} -k ${directory} -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=200`;
    try {
      await exec(join(bin, 'pg_ctl'), ['-D', data, '-l', join(directory, 'server.log'), '-o', serverOptions, '-w', '-t', '30', 'start']);
    } catch (error) {
      throw new Error(`the private PostgreSQL server did not start: ${serverLog(directory) || String(error)}`);
    }
    const urlOf = (database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;
    return {
      async createDatabase(name) {
        const admin = new Client({ connectionString: urlOf('postgres') });
        await admin.connect();
        try {
          await admin.query(`CREATE DATABASE "${name}"`);
        } finally {
          await admin.end();
        }
        return urlOf(name);
      },
      async stop() {
        try {
          await exec(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
        } finally {
          rmSync(directory, { recursive: true, force: true });
        }
      },
    };
  } catch (error) {
    rmSync(directory, { recursive: true, force: true });
    throw error;
  }
}

function findServerBinaries(): string {
  const bin = locateSystemPart('postgres');
  if (!bin) throw new Error(POSTGRES_MISSING);
  return bin;
}

function serverUser(): { uid: number; gid: number } | undefined {
  if (userInfo().uid !== 0) return undefined;
  const entry = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .map((line) => line.split(':'))
    .find(([name]) => name === 'postgres');
  if (!entry) throw new Error(`running as root, but there is no postgres user to run the server as. ${POSTGRES_MISSING}`);
  return { uid: Number(entry[2]), gid: Number(entry[3]) };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function serverLog(directory: string): string {
  const file = join(directory, 'server.log');
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').slice(-5).join('\n') : '';
}

