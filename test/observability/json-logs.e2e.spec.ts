import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addUsers, ServerProcess } from '../support/server-process';
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
  let server: ServerProcess;
  let url: string;

  beforeAll(async () => {
    [userToken] = await addUsers(dataDir, [{ userId: 'operator@sinergi', role: 'admin', region: '17' }]);
    server = await ServerProcess.start(dataDir, {
      SINERGI_LOG_FORMAT: 'json',
      SINERGI_METRICS_TOKEN: metricsToken,
      // Nobody builds the read models: the node is alive but not ready.
      SINERGI_PROJECTOR: 'external',
    });
    url = server.url;

    const as = (token: string) => ({ headers: { Authorization: `Bearer ${token}` } });
    expect((await fetch(`${url}/me`, as(userToken))).status).toBe(200);
    expect((await fetch(`${url}/agreements?region=36`, as(refusedToken))).status).toBe(401);
    expect((await fetch(`${url}/health/live`)).status).toBe(200);
    expect((await fetch(`${url}/health/ready`)).status).toBe(503);
    const scrape = await fetch(`${url}/metrics`, as(metricsToken));
    expect(scrape.status).toBe(200);
    expect(await scrape.text()).toContain('# TYPE sinergi_commands_total counter');
    expect((await fetch(`${url}/metrics`, as(`${metricsToken}0`))).status).toBe(401);
    await waitUntil(() => (server.log.match(/"context":"HTTP"/g) ?? []).length >= 6, 'the access log of every request');
  }, 90_000);

  afterAll(async () => {
    await server?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const lines = (): LogLine[] =>
    server.log
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
      expect(server.log.toLowerCase()).not.toContain(secret.toLowerCase());
    }
  });
});
