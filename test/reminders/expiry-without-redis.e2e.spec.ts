import { CommandBus } from '@nestjs/cqrs';
import { ProjectionsStatus } from '../../src/read-models/projector/projections-status';
import { ReadModelReader } from '../../src/read-models/queries/read-model.reader';
import { ExpiryWatch } from '../../src/reminders/expiry-watch';
import { RemindersRuntime } from '../../src/reminders/reminders.runtime';
import { activeAgreement, bengkuluCoordinator } from '../e2e/http-fixtures';
import { PrivateRedis } from '../support/private-redis';
import { testReminders } from '../support/reminder-receivers';
import { TestApp } from '../support/test-app';
import { waitUntil } from '../support/wait-until';

/** The Banten–Bengkulu KSB runs until 24 October 2030; Banten, its proposer, is on WIB (UTC+7). */
describe('the end of a KSB while Redis is down', () => {
  let redis: PrivateRedis;
  let app: TestApp;
  let agreementId: string;
  const stage = async () => (await app.as(bengkuluCoordinator).get(`/agreements/${agreementId}`).expect(200)).body.state.stage as string;
  const expiriesRecorded = async () =>
    (await app.as(bengkuluCoordinator).get(`/agreements/${agreementId}/events`).expect(200)).body.filter((e: { type: string }) => e.type === 'AgreementExpired');
  const settled = async () => app.get(ProjectionsStatus).caughtUp(await app.eventCount());

  beforeAll(async () => {
    redis = await PrivateRedis.start();
    app = await TestApp.start({ now: '2025-10-24T03:00:00.000Z', reminders: testReminders(redis.url) });
    agreementId = await activeAgreement(app);
    await settled();
    await redis.kill();
  }, 60_000);
  afterAll(async () => {
    // Back up first: the reminder worker closes its queue cleanly only with Redis there.
    await redis.restart();
    // Its clients reconnect with a backoff that grew while it was down: on a loaded machine that takes a while.
    await waitUntil(async () => (await app.get(RemindersRuntime).health()).status === 'up', 'the reminders to reconnect', 45_000);
    await app.close();
    await redis.stop();
  }, 90_000);

  it('is not recorded at 23:59 WIB on the day before its end date', async () => {
    app.clock.set('2030-10-23T16:59:00.000Z');
    expect(await app.get(RemindersRuntime).expiries.runNow()).toBe(0);
    expect(await stage()).toBe('active');
  });

  it("is recorded by the engine from 00:00 WIB of its end date, though no reminder can run", async () => {
    app.clock.set('2030-10-23T17:00:00.000Z');
    await app.get(RemindersRuntime).health().then((health) => expect(health.status).toBe('degraded'));
    expect(await app.get(RemindersRuntime).expiries.runNow()).toBe(1);
    expect(await stage()).toBe('expired');
    expect(await expiriesRecorded()).toMatchObject([{ data: { on: '2030-10-24' }, metadata: { actor: { role: 'system' } } }]);
  });

  it('is recorded once, however many nodes look at the same time', async () => {
    await settled();
    const nodes = [app.get(RemindersRuntime).expiries, new ExpiryWatch(app.get(ReadModelReader), app.get(CommandBus), app.clock)];
    expect(await Promise.all(nodes.map((node) => node.runNow()))).toEqual([0, 0]);
    expect(await expiriesRecorded()).toHaveLength(1);
  });
});

describe('two nodes that see an end date at the same moment', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await TestApp.start({ now: '2025-10-24T03:00:00.000Z' });
  }, 30_000);
  afterAll(() => app.close());

  it('record the expiry once between them, with reminders off', async () => {
    const agreementId = await activeAgreement(app);
    await app.get(ProjectionsStatus).caughtUp(await app.eventCount());
    app.clock.set('2030-10-24T01:00:00.000Z');
    const nodes = [app.get(RemindersRuntime).expiries, new ExpiryWatch(app.get(ReadModelReader), app.get(CommandBus), app.clock)];
    const recorded = await Promise.all(nodes.map((node) => node.runNow()));
    expect(recorded.reduce((a, b) => a + b)).toBe(1);
    const events = (await app.as(bengkuluCoordinator).get(`/agreements/${agreementId}/events`).expect(200)).body as { type: string }[];
    expect(events.filter((e) => e.type === 'AgreementExpired')).toHaveLength(1);
  });
});
