import type { Response } from 'supertest';
import type { RecordedEvent } from '../../src/core/event';
import { storePairs } from '../support/stores';
import { TestApp } from '../support/test-app';
import { BANTEN, BENGKULU, activeAgreement, bantenCoordinator, bantenOffersBengkulu, bengkuluCoordinator } from './http-fixtures';

const pairs = storePairs({ kurrentDb: true });

describe.each(pairs)('a command sent again with the same Idempotency-Key, on $name', (pair) => {
  let app: TestApp;
  const banten = () => app.as(bantenCoordinator);

  beforeAll(async () => {
    app = await TestApp.start({ now: '2025-10-24T03:00:00.000Z', ...(await pair.stores()) });
  }, 60_000);
  afterAll(() => app.close());

  it('replays a proposal: the same agreement, nothing new written', async () => {
    const first = await banten().post('/agreements', bantenOffersBengkulu).set('Idempotency-Key', 'offer-36-17').expect(201);
    const written = await app.eventCount();

    const again = await banten().post('/agreements', bantenOffersBengkulu).set('Idempotency-Key', 'offer-36-17').expect(201);

    expect(await app.eventCount()).toBe(written);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual({ ...first.body, replayed: true });
    expect(again.body).toMatchObject({ agreementId: first.body.agreementId, revision: 0 });
    expect((await banten().get(`/agreements/${first.body.agreementId}`).expect(200)).body.revision).toBe(0);
  });

  it('replays a step with the events it first recorded', async () => {
    const { agreementId } = (await banten().post('/agreements', bantenOffersBengkulu).expect(201)).body;
    const accept = () =>
      app
        .as(bengkuluCoordinator)
        .post(`/agreements/${agreementId}/acceptances`, { party: BENGKULU })
        .set('Idempotency-Key', `accept-${agreementId}`);
    const first = await accept().expect(200);
    const written = await app.eventCount();

    // Without the key, a second acceptance would be refused (OfferNotOpen): the key answers instead.
    const again = await accept().expect(200);

    expect(await app.eventCount()).toBe(written);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toEqual({ ...first.body, replayed: true });
    expect(again.body.events.map((e: { type: string }) => e.type)).toEqual(['OfferAccepted', 'NegotiationOpened']);
  });

  it('replays a creation with the id it first created', async () => {
    const agreementId = await activeAgreement(app);
    const followUp = { party: BANTEN, opd: 'Dinas Kesehatan Provinsi Banten', action: 'Rujukan', dueDate: '2026-06-30' };
    const assign = () =>
      banten().post(`/agreements/${agreementId}/follow-ups`, followUp).set('Idempotency-Key', `assign-${agreementId}`);
    const first = await assign().expect(201);
    const again = await assign().expect(201);

    expect([first.body.followUpId, again.body.followUpId]).toEqual(['tl-1', 'tl-1']);
    expect((await banten().get(`/agreements/${agreementId}`).expect(200)).body.state.followUps).toHaveLength(1);
  });

  it('refuses a creation whose key was first used for another command', async () => {
    const agreementId = await activeAgreement(app);
    const monev = { party: BENGKULU, date: '2025-10-24', rating: 4, recommendation: 'continue', note: 'baik' };
    await app
      .as(bengkuluCoordinator)
      .post(`/agreements/${agreementId}/monev`, monev)
      .set('Idempotency-Key', `reused-${agreementId}`)
      .expect(200);
    const written = await app.eventCount();

    const { body } = await app
      .as(bengkuluCoordinator)
      .post(`/agreements/${agreementId}/visits`, { host: BENGKULU, visitor: BANTEN, purpose: 'Kunjungan balasan' })
      .set('Idempotency-Key', `reused-${agreementId}`)
      .expect(409);

    expect(body.errors).toEqual([expect.objectContaining({ field: 'Idempotency-Key', rule: 'IdempotencyKeyReused' })]);
    expect(await app.eventCount()).toBe(written);
  });

  it('refuses a key given again with another body: the first answer is not passed off as the second', async () => {
    const agreementId = await activeAgreement(app);
    const monev = { party: BENGKULU, date: '2025-10-24', rating: 4, recommendation: 'continue', note: 'baik' };
    const record = (body: object) =>
      app.as(bengkuluCoordinator).post(`/agreements/${agreementId}/monev`, body).set('Idempotency-Key', `monev-${agreementId}`);
    await record(monev).expect(200);
    const written = await app.eventCount();

    const { body } = await record({ ...monev, rating: 2, recommendation: 'revise' }).expect(409);

    expect(body).toMatchObject({ rule: 'IdempotencyKeyReused' });
    expect(body.errors).toEqual([expect.objectContaining({ field: 'Idempotency-Key', rule: 'IdempotencyKeyReused' })]);
    expect(await app.eventCount()).toBe(written);
    expect((await record(monev).expect(200)).headers['idempotent-replayed']).toBe('true');
  });

  it('refuses a proposal key given again for another offer', async () => {
    await banten().post('/agreements', bantenOffersBengkulu).set('Idempotency-Key', 'offer-once').expect(201);
    const written = await app.eventCount();

    await banten()
      .post('/agreements', { ...bantenOffersBengkulu, title: 'Kerja sama lain' })
      .set('Idempotency-Key', 'offer-once')
      .expect(409);

    expect(await app.eventCount()).toBe(written);
  });

  it('writes once when the copies arrive at the same time', async () => {
    const before = await app.eventCount();
    const copies = await Promise.all(
      Array.from({ length: 10 }, () => banten().post('/agreements', bantenOffersBengkulu).set('Idempotency-Key', 'offer-in-flight')),
    );

    expect(copies.map((r) => r.status)).toEqual(Array(10).fill(201));
    expect(new Set(copies.map((r) => r.body.agreementId)).size).toBe(1);
    expect(copies.filter((r) => r.body.replayed)).toHaveLength(9);
    expect(await app.eventCount()).toBe(before + 1);
  });
});

describe.each(pairs)('50 follow-ups assigned at the same time to one active KSB, on $name', (pair) => {
  let app: TestApp;
  let agreementId: string;
  let responses: Response[];
  let history: RecordedEvent[];
  const banten = () => app.as(bantenCoordinator);

  beforeAll(async () => {
    app = await TestApp.start({ now: '2025-10-24T03:00:00.000Z', ...(await pair.stores()) });
    agreementId = await activeAgreement(app);
    responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        banten().post(`/agreements/${agreementId}/follow-ups`, {
          party: BANTEN,
          opd: 'Dinas Kesehatan Provinsi Banten',
          action: `Tindak lanjut ${i + 1}`,
          dueDate: '2026-06-30',
        }),
      ),
    );
    history = (await banten().get(`/agreements/${agreementId}/events`).expect(200)).body;
  }, 60_000);
  afterAll(() => app.close());

  it('each succeeds, or fails only with a named rule', () => {
    const failures = responses.filter((r) => r.status !== 201);
    expect(failures.map((r) => [r.status, r.body.rule])).toEqual(failures.map((r) => [409, expect.any(String)]));
  });

  it('loses none: the agreement holds every one assigned, under distinct ids tl-1..tl-50', async () => {
    const assigned = responses.filter((r) => r.status === 201).map((r) => r.body.followUpId as string);
    const { followUps } = (await banten().get(`/agreements/${agreementId}`).expect(200)).body.state;
    const held = followUps.map((f: { followUpId: string }) => f.followUpId);

    expect([...assigned].sort()).toEqual([...held].sort());
    expect(held).toEqual(Array.from({ length: 50 }, (_, i) => `tl-${i + 1}`));
    expect(new Set(followUps.map((f: { action: string }) => f.action)).size).toBe(50);
  });

  it('keeps the stream contiguous: one revision per follow-up, no gap, no repeat', () => {
    expect(history.map((e) => e.revision)).toEqual(history.map((_, i) => i));
    const revisions = responses.filter((r) => r.status === 201).map((r) => r.body.revision as number);
    const assignedAt = history.filter((e) => e.type === 'FollowUpAssigned').map((e) => e.revision);
    expect([...revisions].sort((a, b) => a - b)).toEqual(assignedAt);
  });
});
