import { randomUUID } from 'node:crypto';
import { KurrentDbEventStore } from '../../src/infrastructure/kurrentdb/kurrentdb.event-store';
import { event } from '../contract/event-store.contract';
import { BENGKULU, bantenCoordinator, bantenOffersBengkulu, bengkuluCoordinator } from '../e2e/http-fixtures';
import { type KurrentDbStandIn, startKurrentDbStandIn } from '../support/kurrentdb-stand-in';
import { parsePrometheusText } from '../support/prometheus-text';
import { describeNeeding } from '../support/system-parts';
import { TestApp, type TestUser } from '../support/test-app';

const operator: TestUser = { userId: 'operator@sinergi', role: 'admin', region: BENGKULU };

describeNeeding('prometheus-parser')('a server on KurrentDB (the stand-in) whose global log another node also writes', () => {
  let standIn: KurrentDbStandIn;
  let app: TestApp;

  beforeAll(async () => {
    standIn = await startKurrentDbStandIn();
    app = await TestApp.start({ now: '2025-10-24T03:00:00.000Z', events: { adapter: 'kurrentdb', url: standIn.url } });
  });
  afterAll(async () => {
    await app?.close();
    await standIn?.stop();
  });

  it('counts the appends it tried again, in /metrics, and still writes each command once', async () => {
    const { body } = await app.as(bantenCoordinator).post('/agreements', bantenOffersBengkulu).expect(201);
    const otherNode = KurrentDbEventStore.connect(standIn.url);
    await otherNode.append(`agreement-${randomUUID()}`, [event()], 'no-stream');
    await otherNode.close();

    await app.as(bengkuluCoordinator).post(`/agreements/${body.agreementId}/acceptances`, { party: BENGKULU }).expect(200);

    const scrape = parsePrometheusText((await app.as(operator).get('/metrics').expect(200)).text);
    expect(scrape.value('sinergi_kurrentdb_log_conflicts_total')).toBe(1);
    expect(scrape.value('sinergi_kurrentdb_stale_streams_total')).toBe(0);
    expect(scrape.value('sinergi_kurrentdb_appends_given_up_total')).toBe(0);
    const { body: recorded } = await app.as(bantenCoordinator).get(`/agreements/${body.agreementId}/events`).expect(200);
    expect((recorded as unknown[]).length).toBe(3);
  });
});
