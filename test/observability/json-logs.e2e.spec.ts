import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccessConfig } from '../../src/access/access.config';
import { Users } from '../../src/access/users';
import { SinergiConfig } from '../../src/config/sinergi.config';
import { SqliteEventStore } from '../../src/infrastructure/sqlite/sqlite.event-store';
import { registryNode } from '../support/registry-node';
import { freePort } from '../support/private-redis';
import { waitUntil } from '../support/wait-until';

interface LogLine {
  level: string;
  context?: string;
  message: unknown;
}

interface AccessEntry {
  method: string;
  route: string;
  path: string;
  status: number;
  durationMs: number;
  userId?: string;
}

const isAccessEntry = (line: LogLine): line is LogLine & { message: AccessEntry } => line.context === 'HTTP';

/** The server as `sinergi start` runs it, in a process of its own, asked for JSON logs. */
describe('a server started with SINERGI_LOG_FORMAT=json', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sinergi-json-logs-'));
  const metricsToken = randomBytes(32).toString('hex');
  const refusedToken = `sng_${randomBytes(24).toString('hex')}`;
  let userToken: string;
  let server: ChildProcess;
  let output = '';
  let url: string;

  beforeAll(async () => {
    // The operator is added as `sinergi user add` adds one: an event in the store the server then opens.
    const store = SqliteEventStore.open(new SinergiConfig(0, dataDir, '100kb').eventStoreFile);
    const node = await registryNode(store);
    const users = new Users(node.processor, node.registry, new AccessConfig(undefined), () => true);
    userToken = (await users.add({ userId: 'operator@sinergi', name: 'Operator', role: 'admin', region: '17' }, { userId: 'cli:test', role: 'admin', region: 'deployment' }, new Date())).token;
    await node.close();
    await store.close();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    server = spawn(process.execPath, ['--require', './test/support/swc-register.js', 'src/main.ts'], {
      cwd: join(__dirname, '../..'),
      env: {
        PATH: process.env.PATH,
        PORT: String(port),
        SINERGI_DATA_DIR: dataDir,
        SINERGI_LOG_FORMAT: 'json',
        SINERGI_METRICS_TOKEN: metricsToken,
        // Nobody builds the read models: the node is alive but not ready.
        SINERGI_PROJECTOR: 'external',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitUntil(() => output.includes('listening on') || server.exitCode !== null, 'the server to listen', 60_000);
    expect(server.exitCode).toBeNull();

    const as = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });
    expect((await fetch(`${url}/me`, as(userToken))).status).toBe(200);
    expect((await fetch(`${url}/agreements?region=36`, as(refusedToken))).status).toBe(401);
    expect((await fetch(`${url}/health/live`)).status).toBe(200);
    expect((await fetch(`${url}/health/ready`)).status).toBe(503);
    const scrape = await fetch(`${url}/metrics`, as(metricsToken));
    expect(scrape.status).toBe(200);
    expect(await scrape.text()).toContain('# TYPE sinergi_commands_total counter');
    expect((await fetch(`${url}/metrics`, as(`${metricsToken}0`))).status).toBe(401);
    await waitUntil(() => (output.match(/"context":"HTTP"/g) ?? []).length >= 6, 'the access log of every request');
  }, 90_000);

  afterAll(async () => {
    if (server?.exitCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  const lines = (): LogLine[] =>
    output
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as LogLine);

  it('writes one JSON object per line, and nothing else', () => {
    const parsed = lines();
    expect(parsed.length).toBeGreaterThan(6);
    parsed.forEach((line) => expect(line).toEqual(expect.objectContaining({ level: expect.any(String), message: expect.anything() })));
  });

  it('logs every request with its method, route, status, duration and user, once answered', () => {
    const entries = lines().filter(isAccessEntry).map((line) => line.message);
    expect(entries).toContainEqual({ method: 'GET', route: '/me', path: '/me', status: 200, durationMs: expect.any(Number), userId: 'operator@sinergi' });
    expect(entries).toContainEqual(expect.objectContaining({ method: 'GET', route: '/agreements', path: '/agreements', status: 401 }));
    expect(entries).toContainEqual(expect.objectContaining({ route: '/health/ready', status: 503 }));
    expect(entries.filter((entry) => entry.path === '/metrics').map((entry) => entry.status).sort()).toEqual([200, 401]);
  });

  it('never carries a token, nor the Authorization header', () => {
    for (const secret of [userToken, refusedToken, metricsToken, userToken.slice(4, 20), 'Bearer', 'authorization']) {
      expect(output.toLowerCase()).not.toContain(secret.toLowerCase());
    }
  });
});
