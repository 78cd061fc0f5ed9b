import type { Actor } from '../../src/core/event';
import { Users } from '../../src/access/users';
import { TestApp, type TestUser } from '../support/test-app';
import {
  BANTEN,
  BENGKULU,
  activeAgreement,
  bantenCoordinator,
  bantenOffersBengkulu,
  bengkuluCoordinator,
  bengkuluDinkes,
  ksbSignature,
  sha256,
} from '../e2e/http-fixtures';

const JABAR = '32';
const jabarCoordinator: Actor = { userId: 'pemotda@jabarprov.go.id', role: 'coordinator', region: JABAR };
const bantenDinkes: Actor = { userId: 'dinkes@bantenprov.go.id', role: 'dinas-officer', region: BANTEN, opd: 'Dinas Kesehatan Provinsi Banten' };
const bengkuluBappeda: Actor = { userId: 'bappeda@bengkuluprov.go.id', role: 'dinas-officer', region: BENGKULU, opd: 'Bappeda Provinsi Bengkulu' };
const bantenInspektorat: TestUser = { userId: 'inspektorat@bantenprov.go.id', role: 'auditor', region: BANTEN };
const jabarInspektorat: TestUser = { userId: 'inspektorat@jabarprov.go.id', role: 'auditor', region: JABAR };
const bpkAuditor: TestUser = { userId: 'auditor@bpk.go.id', role: 'auditor', region: '31', national: true };
const operator: TestUser = { userId: 'operator@sinergi', role: 'admin', region: BANTEN };

const headOfRegion = { name: 'Helmi Hasan', position: 'Gubernur Bengkulu', capacity: 'head-of-region' };
const opdHead = { name: 'Kepala Dinas', position: 'Kepala Dinas Kesehatan', capacity: 'opd-head', skkNumber: 'SKK 1/2025' };

type Refusal = [who: TestUser, rule: string];

/** Every write endpoint, a valid body for it, and who must be refused beyond the roles and regions every one refuses. */
const writeEndpoints = (a: string): { name: string; path: string; body: object; refused: Refusal[] }[] => [
  { name: 'propose', path: '/agreements', body: bantenOffersBengkulu, refused: [[bengkuluCoordinator, 'ActsForAnotherRegion'], [bantenDinkes, 'RoleNotAllowed']] },
  { name: 'accept', path: `${a}/acceptances`, body: { party: BENGKULU }, refused: [[bantenCoordinator, 'ActsForAnotherRegion'], [bengkuluDinkes, 'RoleNotAllowed']] },
  { name: 'decline', path: `${a}/declines`, body: { party: BENGKULU, reason: 'tidak' }, refused: [[bantenCoordinator, 'ActsForAnotherRegion'], [bengkuluDinkes, 'RoleNotAllowed']] },
  { name: 'withdraw', path: `${a}/withdrawal`, body: { reason: 'batal' }, refused: [[bengkuluCoordinator, 'NotTheProposer'], [bantenDinkes, 'RoleNotAllowed']] },
  { name: 'revise the draft', path: `${a}/drafts`, body: { documentSha256: sha256('v2'), summary: 'v2' }, refused: [[bengkuluDinkes, 'RoleNotAllowed']] },
  { name: 'approve the draft', path: `${a}/drafts/1/approvals`, body: { party: BANTEN }, refused: [[bengkuluCoordinator, 'ActsForAnotherRegion'], [bantenDinkes, 'RoleNotAllowed']] },
  { name: 'schedule the signing', path: `${a}/signing-schedule`, body: { date: '2025-11-01', place: 'Serang', mode: 'hybrid' }, refused: [[bantenDinkes, 'RoleNotAllowed']] },
  { name: 'sign the KSB', path: `${a}/signatures`, body: ksbSignature(BANTEN), refused: [[bengkuluCoordinator, 'ActsForAnotherRegion'], [bantenDinkes, 'RoleNotAllowed']] },
  { name: 'report a semester', path: `${a}/semester-reports`, body: { party: BANTEN, year: 2025, semester: 2, summary: 'S2' }, refused: [[bengkuluCoordinator, 'ActsForAnotherRegion'], [bantenDinkes, 'RoleNotAllowed']] },
  { name: 'record a monev', path: `${a}/monev`, body: { party: BENGKULU, date: '2025-10-24', rating: 4, recommendation: 'continue', note: 'baik' }, refused: [[bantenCoordinator, 'ActsForAnotherRegion'], [bengkuluDinkes, 'RoleNotAllowed']] },
  {
    name: 'amend the KSB',
    path: `${a}/amendments`,
    body: {
      documentSha256: sha256('addendum'),
      summary: 'addendum',
      signatures: [BANTEN, BENGKULU].map((party) => ({ party, signatory: ksbSignature(party).signatory, documentNumber: `A/${party}`, date: '2025-10-24' })),
    },
    refused: [[bantenDinkes, 'RoleNotAllowed']],
  },
  { name: 'extend the KSB', path: `${a}/extension`, body: { validUntil: '2030-12-31' }, refused: [[bantenDinkes, 'RoleNotAllowed']] },
  { name: 'terminate the KSB', path: `${a}/termination`, body: { ground: 'agreed-by-parties', note: 'selesai' }, refused: [[bantenDinkes, 'RoleNotAllowed']] },
  { name: 'record the KSB expiry', path: `${a}/expiry`, body: {}, refused: [[bantenDinkes, 'RoleNotAllowed']] },
  {
    name: 'draft a PKS',
    path: `${a}/pks`,
    body: { field: 'kesehatan', title: 'PKS', leadOpds: [{ party: BANTEN, opd: bantenDinkes.opd }, { party: BENGKULU, opd: bengkuluDinkes.opd }], termMonths: 12, dprdRequiredFor: [] },
    refused: [[bengkuluBappeda, 'NotYourOpd']],
  },
  { name: 'revise a PKS', path: `${a}/pks/pks-1/revisions`, body: { documentSha256: sha256('pks v2'), summary: 'v2' }, refused: [[bengkuluBappeda, 'NotYourOpd']] },
  { name: 'ask a DPRD', path: `${a}/pks/pks-1/dprd-requests`, body: { party: BENGKULU }, refused: [[bantenCoordinator, 'ActsForAnotherRegion'], [bengkuluDinkes, 'RoleNotAllowed']] },
  {
    name: "record a DPRD's decision",
    path: `${a}/pks/pks-1/dprd-decisions`,
    body: { party: BENGKULU, approved: true, decisionNumber: '1/DPRD', note: 'setuju' },
    refused: [[bantenCoordinator, 'ActsForAnotherRegion'], [bengkuluDinkes, 'RoleNotAllowed']],
  },
  {
    name: 'sign a PKS',
    path: `${a}/pks/pks-1/signatures`,
    body: { party: BENGKULU, signatory: headOfRegion, documentNumber: 'P/17', date: '2025-10-24' },
    refused: [[bantenCoordinator, 'ActsForAnotherRegion'], [bantenDinkes, 'ActsForAnotherRegion'], [bengkuluDinkes, 'SignatoryNotOpdHead']],
  },
  { name: "sign a PKS as another OPD's head", path: `${a}/pks/pks-1/signatures`, body: { party: BENGKULU, signatory: opdHead, documentNumber: 'P/17', date: '2025-10-24' }, refused: [[bengkuluBappeda, 'NotYourOpd']] },
  { name: 'amend a PKS', path: `${a}/pks/pks-1/amendments`, body: { documentSha256: sha256('pks addendum'), summary: 'addendum' }, refused: [[bengkuluDinkes, 'RoleNotAllowed']] },
  { name: 'extend a PKS', path: `${a}/pks/pks-1/extension`, body: { validUntil: '2027-01-01' }, refused: [[bengkuluDinkes, 'RoleNotAllowed']] },
  { name: 'terminate a PKS', path: `${a}/pks/pks-1/termination`, body: { ground: 'objective-achieved', note: 'selesai' }, refused: [[bengkuluDinkes, 'RoleNotAllowed']] },
  { name: 'record a PKS expiry', path: `${a}/pks/pks-1/expiry`, body: {}, refused: [[bengkuluDinkes, 'RoleNotAllowed']] },
  {
    name: 'assign a follow-up',
    path: `${a}/follow-ups`,
    body: { party: BENGKULU, opd: bengkuluDinkes.opd, action: 'Rujukan', dueDate: '2026-06-30' },
    refused: [[bantenCoordinator, 'ActsForAnotherRegion'], [bengkuluDinkes, 'RoleNotAllowed']],
  },
  ...(['acknowledgement', 'progress', 'completion'] as const).map((step) => ({
    name: `record a follow-up's ${step}`,
    path: `${a}/follow-ups/tl-1/${step}`,
    body: step === 'acknowledgement' ? {} : step === 'progress' ? { percent: 10, note: 'mulai', evidence: [] } : { note: 'selesai', evidence: [sha256('bukti')] },
    refused: [[bengkuluCoordinator, 'RoleNotAllowed'], [bengkuluBappeda, 'NotYourOpd'], [bantenDinkes, 'NotYourOpd']] as Refusal[],
  })),
  { name: "extend a follow-up's due date", path: `${a}/follow-ups/tl-1/due-date`, body: { dueDate: '2026-12-31', reason: 'butuh waktu' }, refused: [[bantenCoordinator, 'ActsForAnotherRegion'], [bengkuluDinkes, 'RoleNotAllowed']] },
  { name: 'cancel a follow-up', path: `${a}/follow-ups/tl-1/cancellation`, body: { reason: 'tidak perlu' }, refused: [[bantenCoordinator, 'ActsForAnotherRegion'], [bengkuluDinkes, 'RoleNotAllowed']] },
  { name: 'ask for a reciprocal visit', path: `${a}/visits`, body: { host: BENGKULU, visitor: BANTEN, purpose: 'kunjungan' }, refused: [[bengkuluDinkes, 'RoleNotAllowed']] },
  { name: 'schedule a visit', path: `${a}/visits/visit-1/schedule`, body: { date: '2026-07-15', delegation: ['Gubernur'] }, refused: [[bengkuluDinkes, 'RoleNotAllowed']] },
  { name: 'report a visit', path: `${a}/visits/visit-1/report`, body: { date: '2026-07-15', summary: 'ok', outcomes: [] }, refused: [[bengkuluDinkes, 'RoleNotAllowed']] },
  { name: 'cancel a visit', path: `${a}/visits/visit-1/cancellation`, body: { reason: 'batal' }, refused: [[bengkuluDinkes, 'RoleNotAllowed']] },
];

/** Refused by every write endpoint of an agreement between Banten and Bengkulu, whatever the step. */
const refusedEverywhere = (endpoint: string): Refusal[] => [
  [bantenInspektorat, 'ReadOnlyRole'],
  [bpkAuditor, 'ReadOnlyRole'],
  [operator, 'ReadOnlyRole'],
  [jabarCoordinator, endpoint === 'propose' ? 'ActsForAnotherRegion' : 'RegionNotAParty'],
];

describe('who may do what with the Banten–Bengkulu KSB', () => {
  let app: TestApp;
  let id: string;

  beforeAll(async () => {
    app = await TestApp.start({ now: '2025-10-24T03:00:00.000Z' });
    // Adding a user is an event: every user exists before the counts that show a refusal wrote nothing.
    for (const user of [bantenCoordinator, bengkuluCoordinator, bengkuluDinkes, jabarCoordinator, bantenDinkes, bengkuluBappeda, bantenInspektorat, jabarInspektorat, bpkAuditor, operator]) {
      await app.tokenOf(user);
    }
    id = await activeAgreement(app);
    const a = `/agreements/${id}`;
    await app.as(bantenCoordinator).post(`${a}/pks`, writeEndpoints(a)[14].body).expect(201);
    await app.as(bantenCoordinator).post(`${a}/pks/pks-1/revisions`, { documentSha256: sha256('pks v1'), summary: 'v1' }).expect(201);
    await app.as(bengkuluCoordinator).post(`${a}/follow-ups`, { party: BENGKULU, opd: bengkuluDinkes.opd, action: 'Rujukan', dueDate: '2026-06-30' }).expect(201);
    await app.as(bengkuluCoordinator).post(`${a}/visits`, { host: BENGKULU, visitor: BANTEN, purpose: 'Kunjungan balasan' }).expect(201);
  });
  afterAll(() => app.close());

  describe.each(writeEndpoints(':id').map((e) => [e.name, e] as const))('to %s', (name) => {
    const cases = () => {
      const endpoint = writeEndpoints(`/agreements/${id}`).find((e) => e.name === name);
      if (!endpoint) throw new Error(name);
      return [...refusedEverywhere(name), ...endpoint.refused].map(([who, rule]) => ({ who, rule, endpoint }));
    };

    it('answers 403 with the rule to every wrong role, region and OPD, and writes nothing', async () => {
      for (const { who, rule, endpoint } of cases()) {
        const before = await app.eventCount();
        const { status, body } = await app.as(who).post(endpoint.path, endpoint.body);
        expect({ who: who.userId, status, rule: body.rule }).toEqual({ who: who.userId, status: 403, rule });
        expect(await app.eventCount()).toBe(before);
      }
    });
  });

  describe('the agreement itself', () => {
    const reads = () => [
      `/agreements/${id}`,
      `/agreements/${id}/events`,
      `/agreements/${id}/pks/pks-1`,
      `/agreements/${id}/follow-ups/tl-1`,
      `/agreements/${id}/visits/visit-1`,
      `/audit/agreements/${id}/history`,
      `/audit/agreements/${id}/as-of?date=2025-10-24`,
      `/audit/agreements/${id}/diff?from=2025-10-01&to=2025-10-24`,
      `/audit/agreements/${id}/export?format=csv`,
      `/agreements/${id}/reminders`,
    ];

    it('is seen by every user of its parties, dinas officers and the regional auditor included', async () => {
      for (const who of [bantenCoordinator, bengkuluDinkes, bengkuluBappeda, bantenInspektorat]) {
        for (const path of reads()) expect([who.userId, path, (await app.as(who).get(path)).status]).toEqual([who.userId, path, 200]);
      }
    });

    it('is seen by an auditor with national scope', async () => {
      for (const path of reads()) expect([path, (await app.as(bpkAuditor).get(path)).status]).toEqual([path, 200]);
    });

    it('is hidden, with 403 and the reason, from the users of a region that is not a party', async () => {
      for (const who of [jabarCoordinator, jabarInspektorat]) {
        for (const path of reads()) {
          const { status, body } = await app.as(who).get(path);
          expect([path, status, body.rule]).toEqual([path, 403, 'RegionNotAParty']);
        }
      }
    });

    it('is not read by an admin, who operates the deployment and is not a party', async () => {
      for (const path of reads()) {
        const { status, body } = await app.as(operator).get(path);
        expect([path, status, body.rule]).toEqual([path, 403, 'OperatorSeesNoAgreements']);
      }
    });
  });

  describe('the routes of the deployment', () => {
    it('lets only admins manage users, and adds nobody when refused', async () => {
      const users = app.get(Users);
      const before = users.list().length;
      for (const who of [bantenCoordinator, bpkAuditor, bengkuluDinkes]) {
        for (const request of [
          app.as(who).get('/users'),
          app.as(who).post('/users', { name: 'Intruder', role: 'admin', region: BANTEN }),
          app.as(who).post(`/users/${bantenCoordinator.userId}/revocation`),
        ]) {
          const { status, body } = await request;
          expect([who.userId, status, body.rule]).toEqual([who.userId, 403, 'RoleNotAllowed']);
        }
      }
      expect(users.list().length).toBe(before);
      expect(users.list().every((u) => !u.revokedAt)).toBe(true);
    });

    it('lets only auditors and admins run the tamper check of the whole log', async () => {
      for (const who of [bantenCoordinator, bengkuluDinkes]) {
        const { status, body } = await app.as(who).get('/audit/verify');
        expect([status, body.rule]).toEqual([403, 'RoleNotAllowed']);
      }
      for (const who of [bantenInspektorat, bpkAuditor, operator]) expect((await app.as(who).get('/audit/verify')).status).toBe(200);
    });
  });

  describe('the actor of a recorded step', () => {
    it('is the user of the verified token: a body that names another actor is refused', async () => {
      const before = await app.eventCount();
      const { status, body } = await app
        .as(bantenCoordinator)
        .post(`/agreements/${id}/monev`, { party: BANTEN, date: '2025-10-24', rating: 5, recommendation: 'continue', note: 'baik', actor: bengkuluCoordinator });
      expect([status, body.errors?.[0]?.field]).toEqual([400, 'actor']);
      expect(await app.eventCount()).toBe(before);
    });

    it('records role, region and OPD from the token', async () => {
      await app.as(bengkuluDinkes).post(`/agreements/${id}/follow-ups/tl-1/acknowledgement`, {}).expect(200);
      const events = (await app.as(bengkuluDinkes).get(`/agreements/${id}/events`).expect(200)).body;
      expect(events[events.length - 1].metadata.actor).toEqual(bengkuluDinkes);
    });
  });

  describe('a dinas officer', () => {
    it('revises the PKS their OPD leads for their region, and reports on their own follow-up', async () => {
      await app.as(bantenDinkes).post(`/agreements/${id}/pks/pks-1/revisions`, { documentSha256: sha256('pks v2'), summary: 'v2' }).expect(201);
      await app.as(bengkuluDinkes).post(`/agreements/${id}/follow-ups/tl-1/progress`, { percent: 20, note: 'mulai', evidence: [] }).expect(200);
    });
  });

  describe('an Idempotency-Key', () => {
    it("is the user's own: another user's repeat of it replays nothing of theirs and is judged on its own", async () => {
      const key = `monev-${id}`;
      const monev = { date: '2025-10-24', rating: 4, recommendation: 'continue', note: 'baik' };
      await app.as(bengkuluCoordinator).post(`/agreements/${id}/monev`, { ...monev, party: BENGKULU }).set('Idempotency-Key', key).expect(200);
      const before = await app.eventCount();

      const { status, body } = await app.as(jabarCoordinator).post(`/agreements/${id}/monev`, { ...monev, party: JABAR }).set('Idempotency-Key', key);

      expect([status, body.rule]).toEqual([403, 'RegionNotAParty']);
      expect(await app.eventCount()).toBe(before);
    });
  });
});
