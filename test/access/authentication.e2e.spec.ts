import type { LoggerService } from '@nestjs/common';
import request from 'supertest';
import { AccessConfig } from '../../src/access/access.config';
import type { Actor } from '../../src/core/event';
import { EventStore } from '../../src/core/event-store.port';
import { TEST_OPERATOR, TestApp } from '../support/test-app';
import { bantenCoordinator, bantenOffersBengkulu } from '../e2e/http-fixtures';

/** Keeps every line the application logs. */
class RecordingLogger implements LoggerService {
  readonly lines: string[] = [];
  log = (...parts: unknown[]) => this.record(parts);
  error = (...parts: unknown[]) => this.record(parts);
  warn = (...parts: unknown[]) => this.record(parts);
  debug = (...parts: unknown[]) => this.record(parts);
  verbose = (...parts: unknown[]) => this.record(parts);
  private record(parts: unknown[]): void {
    this.lines.push(parts.map((p) => (p instanceof Error ? `${p.message} ${p.stack}` : String(p))).join(' '));
  }
}

const operator: Actor = { userId: 'operator@sinergi', role: 'admin', region: '36' };

describe('a request with an API token', () => {
  let app: TestApp;
  const logger = new RecordingLogger();

  beforeAll(async () => {
    app = await TestApp.start({ now: '2025-10-24T03:00:00.000Z', access: new AccessConfig(undefined, 3), logger });
  });
  afterAll(() => app.close());

  it('is served as the user the token belongs to', async () => {
    const { body } = await app.as(bantenCoordinator).get('/me').expect(200);
    expect(body).toEqual({ userId: bantenCoordinator.userId, name: bantenCoordinator.userId, role: 'coordinator', region: '36', national: false, via: 'api-token' });
  });

  it('is refused with 401 and a bearer challenge when the token is missing', async () => {
    const response = await app.anonymous().get('/me').expect(401);
    expect(response.headers['www-authenticate']).toBe('Bearer realm="sinergi"');
    expect(response.body.rule).toBe('tokenMissing');
  });

  it('is refused with 401 when the Authorization header is not a bearer token', async () => {
    const response = await request(app.url).get('/me').set('Authorization', 'Basic c2l0aTpzZWNyZXQ=').expect(401);
    expect(response.body.rule).toBe('malformedAuthorization');
  });

  it('is refused once the token is revoked, and the revocation is recorded with the admin who made it', async () => {
    const user: Actor = { userId: 'leaving@bantenprov.go.id', role: 'coordinator', region: '36' };
    await app.as(user).get('/me').expect(200);
    await app.as(operator).post(`/users/${user.userId}/revocation`).expect(200);
    const response = await app.as(user).get('/me').expect(401);
    expect(response.headers['www-authenticate']).toContain('error="invalid_token"');
    expect(response.body).toMatchObject({ rule: 'invalidToken', message: 'the API token is unknown or revoked' });
    const [added, revoked] = await app.get(EventStore).readStream(`user-${user.userId}`);
    expect(added).toMatchObject({ type: 'UserAdded', metadata: { actor: TEST_OPERATOR } });
    expect(revoked).toMatchObject({ type: 'UserRevoked', data: { userId: user.userId }, metadata: { actor: { userId: operator.userId, role: 'admin' } } });
  });

  it('of a user an admin added through the API works at once; the token is shown only in that answer', async () => {
    const { body } = await app
      .as(operator)
      .post('/users', { userId: 'dinkes@bengkuluprov.go.id', name: 'Dinkes Bengkulu', role: 'dinas-officer', region: '17', opd: 'Dinas Kesehatan' })
      .expect(201);
    expect(body.token).toMatch(/^sng_[\w-]{43}$/);
    expect((await app.withToken(body.token).get('/me').expect(200)).body).toMatchObject({ role: 'dinas-officer', region: '17', opd: 'Dinas Kesehatan' });
    const listed = (await app.as(operator).get('/users').expect(200)).body;
    expect(JSON.stringify(listed)).not.toContain(body.token);
  });

  it('cannot make a user the roles and regions do not allow', async () => {
    const refused = [
      { name: 'x', role: 'system', region: '36' },
      { name: 'x', role: 'dinas-officer', region: '36' },
      { name: 'x', role: 'coordinator', region: '99' },
      { name: 'x', role: 'coordinator', region: '36', national: true },
    ];
    for (const user of refused) expect((await app.as(operator).post('/users', user)).status).toBe(400);
  });

  it('never shows up in the log, nor does the Authorization header', async () => {
    const guessed = 'sng_guessed-token-that-should-never-be-logged';
    await app.withToken(guessed).get('/me').expect(401);
    await app.as(bantenCoordinator).post('/agreements', { ...bantenOffersBengkulu, scope: 'x'.repeat(200_000) }).expect(413);
    const token = await app.tokenOf(bantenCoordinator);
    expect(logger.lines.some((line) => line.includes('refused a token'))).toBe(true);
    for (const secret of [guessed, token, 'Bearer']) expect(logger.lines.filter((line) => line.includes(secret))).toEqual([]);
  });
});

describe('a token refused again and again from one address', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await TestApp.start({ now: '2025-10-24T03:00:00.000Z', access: new AccessConfig(undefined, 3) });
  });
  afterAll(() => app.close());

  it('is answered 429 with Retry-After past the limit, without being looked at, until a minute has passed', async () => {
    const revoked = 'sng_revoked-token-of-a-forgotten-script';
    for (let i = 0; i < 3; i++) await app.withToken(revoked).get('/me').expect(401);

    const limited = await app.withToken(revoked).get('/me').expect(429);
    expect(limited.body.rule).toBe('tooManyAuthenticationFailures');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);

    app.clock.set('2025-10-24T03:01:01.000Z');
    await app.withToken(revoked).get('/me').expect(401);
  });

  it('never holds back a valid token from the same address', async () => {
    const good = await app.tokenOf(bantenCoordinator);
    for (let i = 0; i < 40; i++) await app.withToken(`sng_guess-${i}`).get('/me').expect((answer) => expect([401, 429]).toContain(answer.status));
    await app.withToken(good).get('/me').expect(200);
  });

  it('answers 429 to an address presenting many different bad tokens', async () => {
    app.clock.set('2025-10-24T03:03:00.000Z');
    const answers: number[] = [];
    for (let i = 0; i < 31; i++) answers.push((await app.withToken(`sng_flood-${i}`).get('/me')).status);
    expect(answers.slice(0, 29).every((status) => status === 401)).toBe(true);
    expect(answers.at(-1)).toBe(429);
  });
});

describe('behind a reverse proxy (SINERGI_TRUST_PROXY)', () => {
  const behindProxy = (trustProxy: false | string) => TestApp.start({ now: '2025-10-24T03:00:00.000Z', access: new AccessConfig(undefined, 3, [], trustProxy) });
  const from = (app: TestApp, client: string, token: string) => request(app.url).get('/me').set('X-Forwarded-For', client).set('Authorization', `Bearer ${token}`);

  it('counts refused tokens per client address the trusted proxy names', async () => {
    const app = await behindProxy('loopback');
    try {
      const revoked = 'sng_revoked-token-shared-by-two-offices';
      for (let i = 0; i < 3; i++) await from(app, '203.0.113.10', revoked).expect(401);
      await from(app, '203.0.113.10', revoked).expect(429);
      await from(app, '198.51.100.20', revoked).expect(401);
    } finally {
      await app.close();
    }
  });

  it('believes no X-Forwarded-For unless told to: a client cannot escape the brake by naming another address', async () => {
    const app = await behindProxy(false);
    try {
      const revoked = 'sng_revoked-token-of-a-forgotten-script';
      for (let i = 0; i < 3; i++) await from(app, `203.0.113.${i}`, revoked).expect(401);
      await from(app, '203.0.113.99', revoked).expect(429);
    } finally {
      await app.close();
    }
  });

  it('refuses to start with every proxy trusted', () => {
    expect(() => AccessConfig.fromEnv({ SINERGI_TRUST_PROXY: 'true' })).toThrow(/SINERGI_TRUST_PROXY/);
    expect(AccessConfig.fromEnv({ SINERGI_TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(AccessConfig.fromEnv({}).trustProxy).toBe(false);
  });
});

describe('a user who writes too much within a minute', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await TestApp.start({ now: '2025-10-24T03:00:00.000Z', access: new AccessConfig(undefined, 10, [], false, 3) });
  });
  afterAll(() => app.close());

  it('is answered 429 with Retry-After, writing nothing, while others and reads go on', async () => {
    for (let i = 0; i < 3; i++) await app.as(bantenCoordinator).post('/agreements', bantenOffersBengkulu).expect(201);
    const head = await app.eventCount();
    const limited = await app.as(bantenCoordinator).post('/agreements', bantenOffersBengkulu).expect(429);
    expect(limited.body.rule).toBe('tooManyWrites');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(await app.eventCount()).toBe(head);
    await app.as(bantenCoordinator).get('/me').expect(200);
    await app.as({ userId: 'kerja-sama@bantenprov.go.id', role: 'coordinator', region: '36' }).post('/agreements', bantenOffersBengkulu).expect(201);

    app.clock.set('2025-10-24T03:01:01.000Z');
    await app.as(bantenCoordinator).post('/agreements', bantenOffersBengkulu).expect(201);
  });
});

describe('the edges of the API', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await TestApp.start();
  });
  afterAll(() => app.close());

  it('answers /health with the liveness only, but to an admin with each component', async () => {
    expect((await app.anonymous().get('/health').expect(200)).body).toEqual({ status: 'up' });
    // The components name files and hosts, and list every region's failed deliveries: for the operator only.
    for (const role of ['coordinator', 'dinas-officer', 'auditor'] as const) {
      const user = { userId: `${role}@bantenprov.go.id`, role, region: '36', ...(role === 'dinas-officer' ? { opd: 'Dinas Kesehatan' } : {}) };
      expect((await app.as(user).get('/health').expect(200)).body).toEqual({ status: 'up' });
    }
    const detailed = (await app.as(operator).get('/health').expect(200)).body;
    // The only events: the users' own UserAdded.
    expect(detailed).toMatchObject({ status: 'up', components: { eventStore: { status: 'up', headPosition: await app.eventCount() } } });
  });

  it('serves the OpenAPI document without a token, declaring bearer authentication', async () => {
    const { body } = await app.anonymous().get('/docs-json').expect(200);
    expect(body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(body.security).toEqual([{ bearer: [] }]);
  });

  it('sends security headers and does not say what it runs on', async () => {
    const { headers } = await app.anonymous().get('/health').expect(200);
    expect(headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'SAMEORIGIN',
      'strict-transport-security': expect.stringContaining('max-age='),
      'content-security-policy': expect.stringContaining("default-src 'self'"),
    });
    expect(headers['x-powered-by']).toBeUndefined();
  });

  it('keeps CORS closed by default: no browser origin is allowed', async () => {
    const preflight = await request(app.url)
      .options('/agreements')
      .set('Origin', 'https://evil.example')
      .set('Access-Control-Request-Method', 'POST');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });
});

describe('CORS opened to the origins an operator names', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await TestApp.start({ access: new AccessConfig(undefined, 10, ['https://sinergi.bantenprov.go.id']) });
  });
  afterAll(() => app.close());

  it('allows those origins, with the Authorization header, and no other', async () => {
    const allowed = await request(app.url)
      .options('/agreements')
      .set('Origin', 'https://sinergi.bantenprov.go.id')
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'authorization,content-type');
    expect(allowed.headers['access-control-allow-origin']).toBe('https://sinergi.bantenprov.go.id');
    expect(allowed.headers['access-control-allow-headers']).toContain('Authorization');

    const other = await request(app.url).options('/agreements').set('Origin', 'https://evil.example').set('Access-Control-Request-Method', 'POST');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });
});
