import { bantenCoordinator, bantenOffersBengkulu, BENGKULU, bengkuluCoordinator } from '../e2e/http-fixtures';
import { parsePrometheusText, type Scrape } from '../support/prometheus-text';
import { describeNeeding } from '../support/system-parts';
import { TestApp, type TestUser } from '../support/test-app';

const operator: TestUser = { userId: 'operator@sinergi', role: 'admin', region: BENGKULU };

describeNeeding('prometheus-parser')('the metrics of a running server', () => {
  let app: TestApp;
  let scrape: Scrape;

  beforeAll(async () => {
    app = await TestApp.start({ now: '2025-10-24T03:00:00.000Z' });
    const { body } = await app.as(bantenCoordinator).post('/agreements', bantenOffersBengkulu).expect(201);
    await app.as(bengkuluCoordinator).post(`/agreements/${body.agreementId}/acceptances`, { party: BENGKULU }).expect(200);
    // Accepted once already: the lifecycle refuses a second acceptance.
    await app.as(bengkuluCoordinator).post(`/agreements/${body.agreementId}/acceptances`, { party: BENGKULU }).expect(409);
    const response = await app.as(operator).get('/metrics').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    scrape = parsePrometheusText(response.text);
  });

  afterAll(() => app?.close());

  it('are in the Prometheus text format, every line of it', () => {
    expect(scrape.samples.length).toBeGreaterThan(50);
    expect(scrape.types.get('sinergi_commands')).toBe('counter');
    expect(scrape.types.get('sinergi_command_duration_seconds')).toBe('histogram');
  });

  it('count commands by type and outcome, with their latency', () => {
    expect(scrape.value('sinergi_commands_total', { type: 'ProposeAgreement', outcome: 'appended' })).toBe(1);
    expect(scrape.value('sinergi_commands_total', { type: 'AcceptOffer', outcome: 'appended' })).toBe(1);
    expect(scrape.value('sinergi_commands_total', { type: 'AcceptOffer', outcome: 'refused' })).toBe(1);
    expect(scrape.value('sinergi_command_duration_seconds_count', { type: 'AcceptOffer' })).toBe(2);
    expect(scrape.value('sinergi_command_duration_seconds_bucket', { type: 'AcceptOffer', le: '+Inf' })).toBe(2);
  });

  it('count the store’s commits and appends, from which appends per commit follow', async () => {
    expect(scrape.value('sinergi_event_store_appends_total')).toBeGreaterThanOrEqual(2);
    expect(scrape.value('sinergi_event_store_commits_total')).toBeGreaterThanOrEqual(1);
    expect(scrape.value('sinergi_event_store_commits_total')).toBeLessThanOrEqual(scrape.value('sinergi_event_store_appends_total'));
    expect(scrape.value('sinergi_event_store_head_position')).toBe(await app.eventCount());
  });

  it('show the lag of every read model', () => {
    const lags = scrape.samples.filter((s) => s.name === 'sinergi_projection_lag_events');
    expect(lags.map((s) => s.labels.projection)).toEqual(expect.arrayContaining(['agreement-status', 'activity']));
    lags.forEach((lag) => expect(lag.value).toBeGreaterThanOrEqual(0));
  });

  it('show the reminders: off without Redis, so Redis down, and no delivery to look into', () => {
    expect(scrape.value('sinergi_reminders_enabled')).toBe(0);
    expect(scrape.value('sinergi_redis_up')).toBe(0);
    expect(scrape.value('sinergi_reminder_deliveries_unconfirmed')).toBe(0);
    expect(scrape.value('sinergi_reminder_deliveries_given_up')).toBe(0);
  });

  it('time requests by route pattern, never by the ids in their path', () => {
    expect(scrape.value('sinergi_http_request_duration_seconds_count', { method: 'POST', route: '/agreements/:agreementId/acceptances', status: '409' })).toBe(1);
    expect(scrape.samples.some((s) => /[0-9a-f]{8}-[0-9a-f]{4}/.test(s.labels.route ?? ''))).toBe(false);
  });

  it('are read by admins only: no token 401, any other role 403', async () => {
    await app.anonymous().get('/metrics').expect(401);
    await app.as(bantenCoordinator).get('/metrics').expect(403);
    await app.as({ userId: 'bpk', role: 'auditor', region: '31', national: true }).get('/metrics').expect(403);
  });
});

describe('the health probes', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await TestApp.start();
  });

  afterAll(() => app?.close());

  it('answer liveness to anyone, whatever the stores do', async () => {
    const { body } = await app.anonymous().get('/health/live').expect(200);
    expect(body).toEqual({ status: 'up' });
  });

  it('answer readiness once every read model is live and caught up, with the reasons only to an admin', async () => {
    await app.as(bantenCoordinator).post('/agreements', bantenOffersBengkulu).expect(201);
    const ready = async () => (await app.as(operator).get('/health/ready')).body;
    for (let i = 0; i < 100 && (await ready()).status !== 'ready'; i++) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await ready()).toEqual({ status: 'ready', reasons: [] });
    const { body } = await app.anonymous().get('/health/ready').expect(200);
    expect(body).toEqual({ status: 'ready' });
  });
});
