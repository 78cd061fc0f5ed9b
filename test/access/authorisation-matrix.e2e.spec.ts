import type { UserRole } from '../../src/access/principal';
import { USER_ROLES } from '../../src/access/principal';
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
import request from 'supertest';

/**
 * The authorisation matrix: every route of the OpenAPI document, called with a token of every role of another region
 * (and a national auditor) and of every role of the resource's own region that the route does not admit, must be
 * refused (403 or 404) and write nothing. Routes are discovered from `/docs-json`, so a route added without an entry
 * below fails this spec until someone says who it admits; the entry is then held against the running code.
 */

const JABAR = '32';

/** Routes anyone may call without a token, each with the reason it is public. Matched against `METHOD /path`. */
const PUBLIC_ROUTES: { route: RegExp; why: string }[] = [
  { route: /^GET \/health$/, why: 'liveness for load balancers and container health checks; details only to admins' },
  { route: /^GET \/health\/(live|ready)$/, why: 'probes of orchestrators and load balancers: a status only, the reasons only to admins' },
  { route: /^GET \/regions$/, why: 'the official Kemendagri region codes and names: public data' },
  { route: /^(GET|POST) \/auth\/sso(\/token)?$/, why: 'signing in by single sign-on happens before there is a token' },
  { route: /^GET \/audit\/key$/, why: 'the public key that signs checkpoints: whoever holds an export checks it with it' },
  // Reserved for publications to Satu Data Indonesia: data published on purpose, without a token.
  { route: /^GET \/open-data(\/.*)?$/, why: 'open data published on purpose' },
  { route: /^GET \/publik(\/.*)?$/, why: 'the public register published on purpose' },
  { route: /^GET \/fields-of-cooperation$/, why: 'the official urusan codes and the themes of cooperation with their labels: public data' },
  { route: /^GET \/imports\/template$/, why: 'the blank import template: a form with marked examples, no data' },
  // Not in the OpenAPI document, listed for the reader: /docs, /docs-json (the API description itself) and the web
  // app's static files (/, /js/*, /app.css: code and styles, no data). /admin/queues takes admins only
  // (test/reminders/queue-board.e2e.spec.ts).
];

type CrossRegion = 'admin' | 'auditor' | 'national-auditor' | 'everyone';

interface RouteRule {
  /**
   * Roles of the resource's own region the route admits. Admitted callers are not probed here: the specs of each
   * capability (e.g. who-may-do-what) state what they may do; this spec states what everyone else may not.
   */
  admits: readonly UserRole[];
  /**
   * Callers of any region the route admits as well: admins operate the deployment, national auditors read every
   * region, and any auditor may check the whole log (it answers with positions and hashes, not with agreements).
   */
  acrossRegions?: readonly CrossRegion[];
  /** A valid request, so that a refusal cannot come from validation, which runs before a handler's own checks. */
  body?: object;
  query?: string;
}

const ALL_ROLES = USER_ROLES;
const READERS: readonly UserRole[] = ['coordinator', 'dinas-officer', 'auditor'];
const PARTY_WRITER: RouteRule['admits'] = ['coordinator'];
const AUDIT_READ: RouteRule = { admits: READERS, acrossRegions: ['national-auditor'] };

const headOfRegion = { name: 'Helmi Hasan', position: 'Gubernur Bengkulu', capacity: 'head-of-region' };
const leadOpds = [
  { party: BANTEN, opd: 'Dinas Kesehatan Provinsi Banten' },
  { party: BENGKULU, opd: bengkuluDinkes.opd },
];

/** Who every route admits, keyed by `METHOD /path` as the OpenAPI document writes it. */
const RULES: Record<string, RouteRule> = {
  'GET /me': { admits: ALL_ROLES, acrossRegions: ['everyone'] },
  'GET /users': { admits: ['admin'], acrossRegions: ['admin'] },
  'POST /users': { admits: ['admin'], acrossRegions: ['admin'], body: { name: 'Pengguna Baru', role: 'coordinator', region: BANTEN } },
  'POST /users/{userId}/revocation': { admits: ['admin'], acrossRegions: ['admin'] },
  'GET /projections': { admits: ['admin'], acrossRegions: ['admin'] },
  // Also answered to the scrape token SINERGI_METRICS_TOKEN, before authentication (test/observability/json-logs.e2e.spec.ts).
  'GET /metrics': { admits: ['admin'], acrossRegions: ['admin'] },
  'POST /imports': { admits: ['coordinator', 'admin'], acrossRegions: ['admin'], query: `region=${BANTEN}` },

  'GET /agreements': { admits: READERS, acrossRegions: ['national-auditor'], query: `region=${BANTEN}` },
  'POST /agreements': { admits: PARTY_WRITER, body: bantenOffersBengkulu },
  'GET /agreements/{agreementId}': { admits: READERS, acrossRegions: ['national-auditor'] },
  'GET /agreements/{agreementId}/events': { admits: READERS, acrossRegions: ['national-auditor'] },
  'POST /agreements/{agreementId}/acceptances': { admits: PARTY_WRITER, body: { party: BANTEN } },
  'POST /agreements/{agreementId}/declines': { admits: PARTY_WRITER, body: { party: BANTEN, reason: 'tidak' } },
  'POST /agreements/{agreementId}/withdrawal': { admits: PARTY_WRITER, body: { reason: 'batal' } },
  'POST /agreements/{agreementId}/drafts': { admits: PARTY_WRITER, body: { documentSha256: sha256('v2'), summary: 'v2' } },
  'POST /agreements/{agreementId}/drafts/{version}/approvals': { admits: PARTY_WRITER, body: { party: BANTEN } },
  'POST /agreements/{agreementId}/signing-schedule': { admits: PARTY_WRITER, body: { date: '2025-11-01', place: 'Serang', mode: 'hybrid' } },
  'POST /agreements/{agreementId}/signatures': { admits: PARTY_WRITER, body: ksbSignature(BANTEN) },
  'POST /agreements/{agreementId}/semester-reports': { admits: PARTY_WRITER, body: { party: BANTEN, year: 2025, semester: 2, summary: 'S2' } },
  'POST /agreements/{agreementId}/monev': {
    admits: PARTY_WRITER,
    body: { party: BANTEN, date: '2025-10-24', rating: 4, recommendation: 'continue', note: 'baik' },
  },
  'POST /agreements/{agreementId}/amendments': {
    admits: PARTY_WRITER,
    body: {
      documentSha256: sha256('addendum'),
      summary: 'addendum',
      signatures: [BANTEN, BENGKULU].map((party) => ({ party, signatory: ksbSignature(party).signatory, documentNumber: `A/${party}`, date: '2025-10-24' })),
    },
  },
  'POST /agreements/{agreementId}/extension': { admits: PARTY_WRITER, body: { validUntil: '2030-12-31' } },
  'POST /agreements/{agreementId}/termination': { admits: PARTY_WRITER, body: { ground: 'agreed-by-parties', note: 'selesai' } },
  'POST /agreements/{agreementId}/expiry': { admits: PARTY_WRITER, body: {} },

  'POST /agreements/{agreementId}/pks': {
    admits: ['coordinator', 'dinas-officer'],
    body: { field: 'kesehatan', title: 'PKS', leadOpds, termMonths: 12, dprdRequiredFor: [] },
  },
  'GET /agreements/{agreementId}/pks/{pksId}': { admits: READERS, acrossRegions: ['national-auditor'] },
  'POST /agreements/{agreementId}/pks/{pksId}/revisions': { admits: ['coordinator', 'dinas-officer'], body: { documentSha256: sha256('pks v2'), summary: 'v2' } },
  'POST /agreements/{agreementId}/pks/{pksId}/dprd-requests': { admits: PARTY_WRITER, body: { party: BANTEN } },
  'POST /agreements/{agreementId}/pks/{pksId}/dprd-decisions': {
    admits: PARTY_WRITER,
    body: { party: BANTEN, approved: true, decisionNumber: '1/DPRD', note: 'setuju' },
  },
  'POST /agreements/{agreementId}/pks/{pksId}/signatures': {
    admits: ['coordinator', 'dinas-officer'],
    body: { party: BENGKULU, signatory: headOfRegion, documentNumber: 'P/17', date: '2025-10-24' },
  },
  'POST /agreements/{agreementId}/pks/{pksId}/amendments': { admits: PARTY_WRITER, body: { documentSha256: sha256('pks addendum'), summary: 'addendum' } },
  'POST /agreements/{agreementId}/pks/{pksId}/extension': { admits: PARTY_WRITER, body: { validUntil: '2027-01-01' } },
  'POST /agreements/{agreementId}/pks/{pksId}/termination': { admits: PARTY_WRITER, body: { ground: 'objective-achieved', note: 'selesai' } },
  'POST /agreements/{agreementId}/pks/{pksId}/expiry': { admits: PARTY_WRITER, body: {} },

  'POST /agreements/{agreementId}/follow-ups': {
    admits: PARTY_WRITER,
    body: { party: BANTEN, opd: leadOpds[0].opd, action: 'Rujukan', dueDate: '2026-06-30' },
  },
  'GET /agreements/{agreementId}/follow-ups/{followUpId}': { admits: READERS, acrossRegions: ['national-auditor'] },
  'POST /agreements/{agreementId}/follow-ups/{followUpId}/acknowledgement': { admits: ['dinas-officer'], body: {} },
  'POST /agreements/{agreementId}/follow-ups/{followUpId}/progress': { admits: ['dinas-officer'], body: { percent: 10, note: 'mulai', evidence: [] } },
  'POST /agreements/{agreementId}/follow-ups/{followUpId}/completion': { admits: ['dinas-officer'], body: { note: 'selesai', evidence: [sha256('bukti')] } },
  'POST /agreements/{agreementId}/follow-ups/{followUpId}/due-date': { admits: PARTY_WRITER, body: { dueDate: '2026-12-31', reason: 'butuh waktu' } },
  'POST /agreements/{agreementId}/follow-ups/{followUpId}/cancellation': { admits: PARTY_WRITER, body: { reason: 'tidak perlu' } },

  'POST /agreements/{agreementId}/visits': { admits: PARTY_WRITER, body: { host: BENGKULU, visitor: BANTEN, purpose: 'kunjungan' } },
  'GET /agreements/{agreementId}/visits/{visitId}': { admits: READERS, acrossRegions: ['national-auditor'] },
  'POST /agreements/{agreementId}/visits/{visitId}/schedule': { admits: PARTY_WRITER, body: { date: '2026-07-15', delegation: ['Gubernur'] } },
  'POST /agreements/{agreementId}/visits/{visitId}/report': { admits: PARTY_WRITER, body: { date: '2026-07-15', summary: 'ok', outcomes: [] } },
  'POST /agreements/{agreementId}/visits/{visitId}/cancellation': { admits: PARTY_WRITER, body: { reason: 'batal' } },

  // The files of the documents the steps name: handed in by those who record steps, read by those who read the agreement.
  'GET /agreements/{agreementId}/documents': { admits: READERS, acrossRegions: ['national-auditor'] },
  'PUT /agreements/{agreementId}/documents/{sha256}': { admits: ['coordinator', 'dinas-officer'] },
  'GET /agreements/{agreementId}/documents/{sha256}': { admits: READERS, acrossRegions: ['national-auditor'] },

  'GET /agreements/{agreementId}/reminders': { admits: READERS, acrossRegions: ['national-auditor'] },
  'GET /regions/{code}/portfolio': { admits: READERS, acrossRegions: ['national-auditor'] },
  'GET /regions/{code}/worklist': { admits: READERS, acrossRegions: ['national-auditor'] },
  'GET /regions/{code}/deadlines': { admits: READERS, acrossRegions: ['national-auditor'] },
  'GET /regions/{code}/activity': { admits: READERS, acrossRegions: ['national-auditor'] },
  'GET /regions/{code}/reminders/sent': { admits: READERS, acrossRegions: ['national-auditor'] },

  // A region's reminder directory and policy: its coordinators, and the admins who operate the deployment.
  'GET /regions/{region}/contacts': { admits: ['coordinator', 'admin'], acrossRegions: ['admin'] },
  'PUT /regions/{region}/contacts/{contactId}': { admits: ['coordinator', 'admin'], acrossRegions: ['admin'], body: { name: 'Biro Pemerintahan', role: 'coordinator' } },
  'POST /regions/{region}/contacts/{contactId}/removal': { admits: ['coordinator', 'admin'], acrossRegions: ['admin'], body: {} },
  'GET /regions/{region}/reminder-policy': { admits: ALL_ROLES, acrossRegions: ['admin', 'national-auditor'] },
  'PUT /regions/{region}/reminder-policy': { admits: ['coordinator', 'admin'], acrossRegions: ['admin'], body: { rules: {} } },

  // A region's settings: read by its users, national auditors and admins; set by its coordinators and admins.
  'GET /regions/{code}/settings': { admits: ALL_ROLES, acrossRegions: ['admin', 'national-auditor'] },
  'PUT /regions/{code}/settings/report-signatory': {
    admits: ['coordinator', 'admin'],
    acrossRegions: ['admin'],
    body: { position: 'Kepala Biro Pemerintahan dan Otonomi Daerah', name: 'Pejabat Banten', nip: '197001011990031001' },
  },
  'PUT /regions/{code}/settings/open-data': { admits: ['coordinator', 'admin'], acrossRegions: ['admin'], body: { published: true } },
  'GET /regions/{code}/reports/semester': { admits: READERS, acrossRegions: ['national-auditor'], query: 'year=2025&semester=2&format=json' },

  'GET /audit/agreements/{agreementId}/history': AUDIT_READ,
  'GET /audit/agreements/{agreementId}/as-of': { ...AUDIT_READ, query: 'date=2025-10-24' },
  'GET /audit/agreements/{agreementId}/diff': { ...AUDIT_READ, query: 'from=2025-10-01&to=2025-10-24' },
  'GET /audit/agreements/{agreementId}/export': AUDIT_READ,
  'GET /audit/agreements/{agreementId}/bundle': AUDIT_READ,
  'GET /audit/regions/{code}/export': AUDIT_READ,
  'GET /audit/regions/{code}/administration': { admits: ['auditor'], acrossRegions: ['national-auditor'] },
  'GET /audit/verify': { admits: ['auditor', 'admin'], acrossRegions: ['admin', 'auditor'] },
};

/**
 * Holes this matrix found that are being closed elsewhere (issue 14, findings 1 and 3). Each is expected to fail
 * (`it.failing`); once it is closed the spec says so, and its line goes.
 */
const KNOWN_HOLES = new Set<string>([]);

const CONTACT_ID = 'biro-pemerintahan-banten';

interface Caller {
  label: string;
  user: TestUser;
  /** The resource's own region (Banten, a party to every agreement probed), or not. */
  ownRegion: boolean;
  national: boolean;
}

const callers: Caller[] = [
  ...ALL_ROLES.map((role) => ({
    label: `${role} of another region`,
    user: { userId: `${role}@jabarprov.go.id`, role, region: JABAR, ...(role === 'dinas-officer' ? { opd: 'Diskominfotik Provinsi Jawa Barat' } : {}) },
    ownRegion: false,
    national: false,
  })),
  { label: 'national auditor', user: { userId: 'auditor@bpk.go.id', role: 'auditor', region: '31', national: true }, ownRegion: false, national: true },
  ...ALL_ROLES.map((role) => ({
    label: `${role} of the region`,
    user: { userId: `${role}@bantenprov.go.id`, role, region: BANTEN, ...(role === 'dinas-officer' ? { opd: 'Dinas Kesehatan Provinsi Banten' } : {}) },
    ownRegion: true,
    national: false,
  })),
];

function admitted(rule: RouteRule, caller: Caller): boolean {
  const across = rule.acrossRegions ?? [];
  if (across.includes('everyone')) return true;
  if (across.includes('admin') && caller.user.role === 'admin') return true;
  if (across.includes('auditor') && caller.user.role === 'auditor') return true;
  if (across.includes('national-auditor') && caller.national) return true;
  return caller.ownRegion && rule.admits.includes(caller.user.role as UserRole);
}

interface Probe {
  name: string;
  method: string;
  path: string;
  rule: RouteRule;
  caller: Caller;
}

describe('the authorisation matrix over every route of the OpenAPI document', () => {
  let app: TestApp;
  let routes: { method: string; path: string }[] = [];
  let agreementId: string;

  beforeAll(async () => {
    app = await TestApp.start({ now: '2025-10-24T03:00:00.000Z' });
    agreementId = await activeAgreement(app);
    const a = `/agreements/${agreementId}`;
    await app.as(bantenCoordinator).post(`${a}/pks`, RULES['POST /agreements/{agreementId}/pks'].body).expect(201);
    await app.as(bengkuluCoordinator).post(`${a}/follow-ups`, { party: BENGKULU, opd: bengkuluDinkes.opd, action: 'Rujukan', dueDate: '2026-06-30' }).expect(201);
    await app.as(bengkuluCoordinator).post(`${a}/visits`, { host: BENGKULU, visitor: BANTEN, purpose: 'Kunjungan balasan' }).expect(201);
    await request(app.url)
      .put(`/regions/${BANTEN}/contacts/${CONTACT_ID}`)
      .set('Authorization', `Bearer ${await app.tokenOf(bantenCoordinator)}`)
      .send({ name: 'Biro Pemerintahan Banten', role: 'coordinator', email: 'biro.pemerintahan@bantenprov.go.id' })
      .expect(200);
    // Adding a user is an event: every caller exists before the counts that show a refusal wrote nothing.
    for (const caller of callers) await app.tokenOf(caller.user);
    const { body } = await app.anonymous().get('/docs-json').expect(200);
    const paths = body.paths as Record<string, Record<string, unknown>>;
    routes = Object.entries(paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => ({ method: method.toUpperCase(), path })));
  });
  afterAll(() => app.close());

  const key = (route: { method: string; path: string }) => `${route.method} ${route.path}`;
  const isPublic = (route: { method: string; path: string }) => PUBLIC_ROUTES.some((p) => p.route.test(key(route)));

  it('finds the routes in the OpenAPI document', () => {
    expect(routes.length).toBeGreaterThan(50);
  });

  it('knows who every route admits: a route with no rule and no public reason fails here', () => {
    const unknown = routes.filter((route) => !isPublic(route) && !(key(route) in RULES)).map(key);
    expect(unknown).toEqual([]);
  });

  it('holds no rule for a route that no longer exists', () => {
    const present = new Set(routes.map(key));
    expect(Object.keys(RULES).filter((route) => !present.has(route))).toEqual([]);
  });

  it('answers every route but the public ones 401 without a token', async () => {
    const open: string[] = [];
    for (const route of routes.filter((r) => !isPublic(r))) {
      const answer = await send(route.method, fill(route.path, BANTEN), RULES[key(route)], undefined);
      if (answer.status !== 401) open.push(`${key(route)} answered ${answer.status}`);
    }
    expect(open).toEqual([]);
  });

  const probes = (): Probe[] =>
    routes
      .filter((route) => !isPublic(route) && key(route) in RULES)
      .flatMap((route) => {
        const rule = RULES[key(route)];
        const refused = callers.filter((caller) => !admitted(rule, caller));
        const asCalled = refused.map((caller) => ({ name: `${key(route)}, by ${caller.label}`, ...route, path: fill(route.path, BANTEN), rule, caller }));
        // Another region naming itself in the path while pointing at this region's resource (a contact's id, say).
        const hasOwnId = /\{(region|code)\}/.test(route.path) && (route.path.match(/\{/g) ?? []).length > 1;
        const selfNamed = hasOwnId
          ? refused
              .filter((caller) => !caller.ownRegion && !caller.national)
              .map((caller) => ({
                name: `${key(route)} with the caller region in the path, by ${caller.label}`,
                ...route,
                path: fill(route.path, caller.user.region),
                rule,
                caller,
              }))
          : [];
        return [...asCalled, ...selfNamed];
      });

  it('refuses every caller the rules do not admit, with 403 or 404, writing nothing', async () => {
    const leaks: string[] = [];
    const before = await observed();
    // Known holes last: what they still write must not hide what the others would.
    const ordered = probes().sort((p, q) => Number(KNOWN_HOLES.has(p.name)) - Number(KNOWN_HOLES.has(q.name)));
    let besideTheLog: Record<string, unknown> | undefined;
    for (const probe of ordered) {
      if (KNOWN_HOLES.has(probe.name) && !besideTheLog) besideTheLog = await observed();
      const head = await app.eventCount();
      const answer = await send(probe.method, probe.path, probe.rule, await app.tokenOf(probe.caller.user));
      const wrote = (await app.eventCount()) !== head;
      const failed = (answer.status !== 403 && answer.status !== 404) || wrote;
      if (failed !== KNOWN_HOLES.has(probe.name)) {
        leaks.push(`${probe.name}: ${answer.status}${wrote ? ', and an event was written' : ''}${KNOWN_HOLES.has(probe.name) ? ' (listed as a known hole: remove it)' : ''}`);
      }
    }
    expect(leaks).toEqual([]);
    // What lives beside the log (directory, policy, users) is compared once, after every probe: each region reads what it read.
    expect(besideTheLog ?? (await observed())).toEqual(before);
  }, 180_000);

  function fill(path: string, region: string): string {
    const values: Record<string, string> = {
      agreementId,
      pksId: 'pks-1',
      followUpId: 'tl-1',
      visitId: 'visit-1',
      version: '1',
      region,
      code: region,
      contactId: CONTACT_ID,
      userId: bantenCoordinator.userId,
      // The draft every probed agreement names.
      sha256: sha256('draft v1'),
    };
    return path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const value = values[name];
      if (value === undefined) throw new Error(`the matrix has no value for the path parameter {${name}} of ${path}: add one`);
      return encodeURIComponent(value);
    });
  }

  function send(method: string, path: string, rule: RouteRule | undefined, token: string | undefined): request.Test {
    const url = rule?.query ? `${path}?${rule.query}` : path;
    const agent = request(app.url);
    const call =
      method === 'GET' ? agent.get(url) : method === 'POST' ? agent.post(url) : method === 'PUT' ? agent.put(url) : method === 'PATCH' ? agent.patch(url) : agent.delete(url);
    if (token) call.set('Authorization', `Bearer ${token}`);
    return rule?.body === undefined ? call : call.send(rule.body);
  }

  /** What refused calls must leave as it was: the event log, and what each region reads of its directory, policy and users. */
  async function observed(): Promise<Record<string, unknown>> {
    const as = (user: TestUser, path: string) => app.as(user).get(path).then((answer) => answer.body as unknown);
    const jabarCoordinator = callers[0].user;
    const admin = callers.find((c) => c.ownRegion && c.user.role === 'admin')?.user ?? bantenCoordinator;
    return {
      head: await app.eventCount(),
      bantenContacts: await as(bantenCoordinator, `/regions/${BANTEN}/contacts`),
      jabarContacts: await as(jabarCoordinator, `/regions/${JABAR}/contacts`),
      bantenPolicy: await as(bantenCoordinator, `/regions/${BANTEN}/reminder-policy`),
      users: await as(admin, '/users'),
    };
  }
});
