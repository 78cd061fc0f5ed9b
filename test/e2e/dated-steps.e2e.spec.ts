import { TestApp } from '../support/test-app';
import { activeAgreement, BANTEN, bantenCoordinator } from './http-fixtures';

/** The day of a step (its `occurredAt`) is the day its rules are checked on, and it comes after what must precede it. */
describe('a step dated by its occurredAt', () => {
  let app: TestApp;
  let agreementId: string;
  const monev = { party: BANTEN, date: '2025-10-20', rating: 4, recommendation: 'continue', note: 'Pelayanan rujukan berjalan' };

  beforeAll(async () => {
    app = await TestApp.start({ now: '2025-10-24T03:00:00.000Z' });
    agreementId = await activeAgreement(app);
    app.clock.set('2025-11-03T03:00:00.000Z');
  }, 30_000);
  afterAll(() => app.close());

  it('is refused with 409 and the rule when back-dated before the KSB took effect, and writes nothing', async () => {
    const before = await app.eventCount();
    const { body } = await app
      .as(bantenCoordinator)
      .post(`/agreements/${agreementId}/monev`, { ...monev, occurredAt: '2025-10-20T10:00:00+07:00' })
      .expect(409);
    expect(body).toMatchObject({ rule: 'StepBeforeItsPrerequisite' });
    expect(await app.eventCount()).toBe(before);
  });

  it('refuses a monev whose own date is before the KSB took effect, even recorded today', async () => {
    const { body } = await app.as(bantenCoordinator).post(`/agreements/${agreementId}/monev`, monev).expect(409);
    expect(body).toMatchObject({ rule: 'StepBeforeItsPrerequisite' });
  });

  it('refuses any step dated before the offer letter', async () => {
    const { body } = await app
      .as(bantenCoordinator)
      .post(`/agreements/${agreementId}/monev`, { ...monev, date: '2025-10-24', occurredAt: '2025-08-15T10:00:00+07:00' })
      .expect(409);
    expect(body).toMatchObject({ rule: 'StepBeforeItsPrerequisite' });
  });

  it('records the monev dated on or after the day the KSB took effect', () =>
    app.as(bantenCoordinator).post(`/agreements/${agreementId}/monev`, { ...monev, date: '2025-10-24' }).expect(200));
});
