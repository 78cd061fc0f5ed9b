import request from 'supertest';
import { AccessConfig } from '../../src/access/access.config';
import type { Actor } from '../../src/core/event';
import { EventStore } from '../../src/core/event-store.port';
import { BANTEN, BENGKULU, bantenCoordinator, bengkuluCoordinator } from '../e2e/http-fixtures';
import { TestApp } from '../support/test-app';

const operator: Actor = { userId: 'operator@sinergi', role: 'admin', region: BANTEN };
const inspektoratBanten: Actor = { userId: 'inspektorat@bantenprov.go.id', role: 'auditor', region: BANTEN };
const inspektoratBengkulu: Actor = { userId: 'inspektorat@bengkuluprov.go.id', role: 'auditor', region: BENGKULU };
const bpk = { userId: 'bpk', role: 'auditor' as const, region: '31', national: true };
const WEBHOOK_SECRET = 'rahasia-webhook-banten-2025';
const bantenDesk = { name: 'Biro Pemerintahan Banten', role: 'coordinator', email: 'biro.pemotda@bantenprov.go.id', webhookUrl: 'https://8.8.8.8/hook', webhookSecret: WEBHOOK_SECRET };

describe("a region's reminder contacts and policy", () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await TestApp.start({ now: '2025-10-24T03:00:00.000Z' });
    // Adding a user is an event: every user exists before the counts that show a refusal wrote nothing.
    for (const user of [bantenCoordinator, bengkuluCoordinator, inspektoratBanten, inspektoratBengkulu, bpk, operator]) await app.tokenOf(user);
  });

  afterAll(async () => {
    await app?.close();
  });

  /** PUT as a user (the test app's requests are GET and POST). */
  const put = async (who: Actor, path: string, body: object) =>
    request(app.url).put(path).set('Authorization', `Bearer ${await app.tokenOf(who)}`).send(body);

  describe('the contacts', () => {
    beforeAll(async () => {
      expect((await put(bantenCoordinator, `/regions/${BANTEN}/contacts/biro-36`, bantenDesk)).status).toBe(200);
    });

    it('are recorded in the region’s stream with who changed them, and the webhook secret sealed, never in the clear', async () => {
      const events = await app.get(EventStore).readStream(`contacts-${BANTEN}`);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ type: 'ContactSaved', data: { region: BANTEN, contactId: 'biro-36', webhookSecret: { alg: 'A256GCM' } } });
      expect(events[0].metadata.actor).toEqual(bantenCoordinator);
      expect(JSON.stringify(events)).not.toContain(WEBHOOK_SECRET);
      const { body } = await app.as(bantenCoordinator).get(`/regions/${BANTEN}/contacts`).expect(200);
      expect(body).toEqual([expect.objectContaining({ contactId: 'biro-36', hasWebhookSecret: true })]);
      expect(JSON.stringify(body)).not.toContain(WEBHOOK_SECRET);
    });

    it('of another region cannot be taken over through one’s own region: 403, and Banten keeps its contact', async () => {
      const before = await app.eventCount();
      const response = await put(bengkuluCoordinator, `/regions/${BENGKULU}/contacts/biro-36`, { name: 'Diambil alih', role: 'coordinator', email: 'x@bengkuluprov.go.id' });
      expect([response.status, response.body.rule]).toEqual([403, 'ContactOfAnotherRegion']);
      expect(await app.eventCount()).toBe(before);
      const banten = (await app.as(bantenCoordinator).get(`/regions/${BANTEN}/contacts`).expect(200)).body;
      expect(banten).toEqual([expect.objectContaining({ contactId: 'biro-36', region: BANTEN, name: 'Biro Pemerintahan Banten' })]);
      expect((await app.as(bengkuluCoordinator).get(`/regions/${BENGKULU}/contacts`).expect(200)).body).toEqual([]);
    });

    it('of another region cannot be removed through one’s own region: 404, and nothing is written', async () => {
      const before = await app.eventCount();
      const { status, body } = await app.as(bengkuluCoordinator).post(`/regions/${BENGKULU}/contacts/biro-36/removal`);
      expect([status, body.rule]).toEqual([404, 'UnknownContact']);
      expect(await app.eventCount()).toBe(before);
      expect((await app.as(bantenCoordinator).get(`/regions/${BANTEN}/contacts`).expect(200)).body).toHaveLength(1);
    });

    it('of another region are not listed to its coordinators: 403', async () => {
      const { status } = await app.as(bengkuluCoordinator).get(`/regions/${BANTEN}/contacts`);
      expect(status).toBe(403);
    });
  });

  describe('the reminder policy', () => {
    it("of another region is not readable by a region's coordinator (403), but by its own users, national auditors and admins", async () => {
      const { status, body } = await app.as(bengkuluCoordinator).get(`/regions/${BANTEN}/reminder-policy`);
      expect([status, body.rule]).toEqual([403, 'RegionOutOfReach']);
      for (const reader of [bantenCoordinator, inspektoratBanten, bpk, operator]) {
        await app.as(reader).get(`/regions/${BANTEN}/reminder-policy`).expect(200);
      }
    });

    it('is refused with 400 naming the field and its rule when the body breaks the DTO, and nothing is written', async () => {
      const before = await app.eventCount();
      for (const [body, field] of [
        [{ rules: { monev: null } }, 'rules.monev'],
        [{ rules: { 'ksb-end': { recordExpiryOnDueDay: false } } }, 'rules.ksb-end.recordExpiryOnDueDay'],
        [{ rules: { 'follow-up-due': { escalation: { afterDays: 0, everyDays: 0, times: 20 } } } }, 'rules.follow-up-due.escalation.everyDays'],
        [{ rules: { monev: { remindDaysBefore: Array.from({ length: 1000 }, (_, i) => i + 1) } } }, 'rules.monev.remindDaysBefore'],
      ] as const) {
        const response = await put(bantenCoordinator, `/regions/${BANTEN}/reminder-policy`, body);
        expect([response.status, response.body.errors?.[0]?.field]).toEqual([400, field]);
        expect(response.body.errors[0].rule).toEqual(expect.any(String));
      }
      expect(await app.eventCount()).toBe(before);
    });

    it('changed by the region is recorded with who changed it, and shows at once', async () => {
      const response = await put(bantenCoordinator, `/regions/${BANTEN}/reminder-policy`, { rules: { monev: { remindDaysBefore: [60, 30] } } });
      expect(response.status).toBe(200);
      expect(response.body.reminders.rules.monev.remindDaysBefore).toEqual([60, 30]);
      const [changed] = await app.get(EventStore).readStream(`region-policy-${BANTEN}`);
      expect(changed.metadata.actor).toEqual(bantenCoordinator);
    });
  });

  describe('the administration trail', () => {
    it('shows the region’s own auditors and national auditors who created, changed or revoked what, when; never a token or a secret', async () => {
      await app.as({ userId: 'staf@bantenprov.go.id', role: 'coordinator', region: BANTEN }).get('/me').expect(200);
      await app.as(operator).post('/users/staf@bantenprov.go.id/revocation').expect(200);
      for (const auditor of [inspektoratBanten, bpk]) {
        const { body } = await app.as(auditor).get(`/audit/regions/${BANTEN}/administration`).expect(200);
        const types = body.entries.map((e: { type: string; streamId: string }) => `${e.type} ${e.streamId}`);
        expect(types).toEqual(expect.arrayContaining(['ContactSaved contacts-36', 'ReminderPolicyChanged region-policy-36', 'UserAdded user-staf@bantenprov.go.id', 'UserRevoked user-staf@bantenprov.go.id']));
        const revoked = body.entries.find((e: { type: string }) => e.type === 'UserRevoked');
        expect(revoked.actor).toMatchObject({ userId: operator.userId, role: 'admin' });
        expect(JSON.stringify(body)).not.toMatch(/tokenSha256|ciphertext|rahasia/);
      }
    });

    it("is not read by another region's auditors, nor by coordinators", async () => {
      expect((await app.as(inspektoratBengkulu).get(`/audit/regions/${BANTEN}/administration`)).status).toBe(403);
      expect((await app.as(bantenCoordinator).get(`/audit/regions/${BANTEN}/administration`)).status).toBe(403);
    });
  });
});

describe('a deployment that admits built-in users of its own region only', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await TestApp.start({ access: new AccessConfig(undefined, 10, [], false, 600, [BANTEN]) });
  });

  afterAll(async () => {
    await app?.close();
  });

  it('lets its admin add users of its region and its kabupaten/kota, recording the admin as their creator', async () => {
    const { body } = await app.as(operator).post('/users', { userId: 'bappeda@serangkab.go.id', name: 'Bappeda Serang', role: 'coordinator', region: '36.04' }).expect(201);
    expect(body.user).toMatchObject({ region: '36.04', createdBy: { userId: operator.userId, role: 'admin' } });
  });

  it('refuses a built-in user of another region with 403, and writes nothing', async () => {
    await app.as(operator).get('/me').expect(200);
    const before = await app.eventCount();
    const { status, body } = await app.as(operator).post('/users', { userId: 'siti', name: 'Siti', role: 'coordinator', region: BENGKULU });
    expect([status, body.rule]).toEqual([403, 'BuiltInUserOfAnotherRegion']);
    expect(await app.eventCount()).toBe(before);
  });
});
