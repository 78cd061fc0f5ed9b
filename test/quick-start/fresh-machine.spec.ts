import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { freePort } from '../support/private-redis';

const repository = resolve(__dirname, '../..');
/** What a machine with Node and nothing else lacks (Python too), and the means to install it here without asking. */
const ABSENT = /^(chromium.*|redis-.*|pg_.*|psql|initdb|postgres.*|python3.*|apt|apt-get|sudo)$/;

interface Finished {
  code: number | null;
  output: string;
}

/**
 * A PATH with every program of this one (node, npm, git, the shell's tools) but Chromium, Redis, PostgreSQL, Python,
 * apt-get and sudo: a machine where `npm test` and `npm run up` can install nothing and must say what to run instead.
 */
function pathWithoutServers(directory: string): string {
  mkdirSync(directory);
  for (const source of (process.env.PATH ?? '').split(delimiter)) {
    if (!source || source.includes('node_modules')) continue;
    let names: string[];
    try {
      names = readdirSync(source);
    } catch {
      continue;
    }
    for (const name of names) {
      if (ABSENT.test(name)) continue;
      try {
        symlinkSync(join(source, name), join(directory, name));
      } catch {
        // The first directory of the PATH with that name wins, as it does for the shell.
      }
    }
  }
  return directory;
}

function run(command: string, args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<Finished> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', fail);
    child.once('close', (code) => done({ code, output }));
  });
}

describe('a fresh clone, on a machine with Node and none of Chromium, Redis and PostgreSQL', () => {
  let fresh: string;
  let clone: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(() => {
    fresh = mkdtempSync(join(tmpdir(), 'sinergi-fresh-'));
    clone = join(fresh, 'sinergi');
    execFileSync('git', ['clone', '--quiet', repository, clone]);
    // npm would install the very packages of the lockfile (building better-sqlite3 takes minutes here): they are
    // linked from this checkout instead, and scripts/ensure-deps.js still checks them against the clone's lockfile.
    try {
      execFileSync('cp', ['-al', join(repository, 'node_modules'), clone]);
    } catch {
      execFileSync('cp', ['-r', join(repository, 'node_modules'), clone]);
    }
    env = { PATH: pathWithoutServers(join(fresh, 'bin')), HOME: process.env.HOME, LANG: 'C.UTF-8' };
  }, 120_000);

  afterAll(() => {
    // The server's own children may still be closing their files in the clone for a moment after it exits.
    if (fresh) rmSync(fresh, { recursive: true, force: true, maxRetries: 20, retryDelay: 250 });
  });

  it('`npm test` names the one command that installs them, and reports the tests that need them as not run', async () => {
    const { code, output } = await run(
      'npm',
      ['test', '--', 'src/progress.spec.ts', 'test/web/single-sign-on.browser.spec.ts', 'test/contract/postgres.event-store.spec.ts'],
      { cwd: clone, env },
    );
    expect(output).toMatch(/Missing programs, and what needs them:\n  chromium .*\n  redis-server .*\n  postgresql .*\n  python3-prometheus-client .*\n/);
    expect(output).toContain('apt-get update && apt-get install -y chromium redis-server postgresql python3-prometheus-client');
    expect(output).toMatch(/NOT RUN: \d+ tests skipped in all/);
    expect(output).toMatch(/Tests: +\d+ skipped, \d+ passed, \d+ total/);
    expect(code).toBe(0);
  }, 120_000);

  it('`npm run up` names the command that installs Redis, and serves without reminders until then', async () => {
    const port = await freePort();
    const up = spawn('npm', ['run', 'up'], {
      cwd: clone,
      env: { ...env, PORT: String(port), SINERGI_DATA_DIR: join(fresh, 'data') },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    up.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    up.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await listening(up, () => output, 150_000);
      expect(output).toContain('apt-get update && apt-get install -y redis-server');
      expect(output).toContain('Reminders: OFF');
      const live = await fetch(`http://127.0.0.1:${port}/health/live`);
      expect(live.status).toBe(200);
    } finally {
      await stop(up);
    }
  }, 180_000);
});

function listening(child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  return new Promise((done, fail) => {
    const timer = setInterval(() => {
      if (/listening on http/.test(output())) finish();
    }, 100);
    const deadline = setTimeout(() => finish(new Error(`npm run up did not start in ${timeoutMs} ms:\n${output()}`)), timeoutMs);
    const exited = (code: number | null) => finish(new Error(`npm run up exited with ${code}:\n${output()}`));
    child.once('exit', exited);
    function finish(error?: Error): void {
      clearInterval(timer);
      clearTimeout(deadline);
      child.off('exit', exited);
      if (error) fail(error);
      else done();
    }
  });
}

/** The whole process group `npm run up` leads (npm, its shell, Sinergi), and only it. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise((done) => child.once('exit', done));
  process.kill(-child.pid, 'SIGTERM');
  await exited;
  // npm may be gone before the server it started has closed its stores: wait for the whole process group (30 s at most).
  const pid = child.pid;
  const groupAlive = (): boolean => {
    try {
      process.kill(-pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  for (let waited = 0; waited < 300 && groupAlive(); waited++) await new Promise((done) => setTimeout(done, 100));
}
