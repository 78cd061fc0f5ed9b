import request from 'supertest';
import { TestApp } from '../support/test-app';
import { BENGKULU, bengkuluCoordinator } from '../e2e/http-fixtures';

/** A Bengkulu coordinator keeps the region's reminder directory: where each contact is reached must be a real place. */
describe('saving a contact of the reminder directory', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await TestApp.start();
  });
  afterAll(() => app.close());

  const save = (contactId: string, contact: object) =>
    app.signed(bengkuluCoordinator, request(app.url).put(`/regions/${BENGKULU}/contacts/${contactId}`)).send(contact);
  const directory = async () => (await app.as(bengkuluCoordinator).get(`/regions/${BENGKULU}/contacts`).expect(200)).body;

  it.each([
    ['the server itself', 'http://127.0.0.1:6379/'],
    ['a private network', 'http://10.0.0.5/hook'],
    ['the cloud metadata address', 'http://169.254.169.254/latest/meta-data/'],
    ['a compose service', 'http://postgres:5432/'],
    ['a name that resolves to the loopback address', 'http://localhost:3000/'],
  ])('refuses a webhook that points at %s, saving nothing', async (_what, webhookUrl) => {
    const { body } = await save('wa-dinkes', { name: 'Grup WA Dinkes', role: 'opd', opd: 'Dinas Kesehatan', webhookUrl }).expect(400);
    expect(body).toMatchObject({ rule: 'WebhookTargetRefused', errors: [{ field: 'webhookUrl', rule: 'WebhookTargetRefused' }] });
    expect(await directory()).toEqual([]);
  });

  it('refuses an e-mail address that is not one, saving nothing', async () => {
    const { body } = await save('dinkes', { name: 'Dinkes', role: 'opd', opd: 'Dinas Kesehatan', email: 'dinkes bengkulu' }).expect(400);
    expect(body).toMatchObject({ rule: 'InvalidEmailAddress', errors: [{ field: 'email', rule: 'InvalidEmailAddress' }] });
    expect(await directory()).toEqual([]);
  });

  it('saves a contact reached at a real address and a public receiver', async () => {
    await save('dinkes', { name: 'Dinkes', role: 'opd', opd: 'Dinas Kesehatan', email: 'dinkes@bengkuluprov.go.id', webhookUrl: 'https://8.8.8.8/hook' }).expect(200);
    expect(await directory()).toMatchObject([{ contactId: 'dinkes', email: 'dinkes@bengkuluprov.go.id', webhookUrl: 'https://8.8.8.8/hook' }]);
  });
});
