import { CommandBus } from '@nestjs/cqrs';
import { loadSeedStories } from '../../src/demo/seed-stories';
import { ProjectionsStatus } from '../../src/read-models/projector/projections-status';
import { join } from 'node:path';
import { type AppStores, storePairs } from '../support/stores';
import { TestApp, type TestUser } from '../support/test-app';
import { bantenCoordinator, bantenOffersBengkulu } from '../e2e/http-fixtures';

const jabar: TestUser = { userId: 'biro-pemotda@jabarprov.go.id', role: 'coordinator', region: '32' };
const diskominfotik: TestUser = { userId: 'diskominfotik@jabarprov.go.id', role: 'dinas-officer', region: '32', opd: 'Diskominfotik' };
const bengkulu: TestUser = { userId: 'biro-pemotda@bengkuluprov.go.id', role: 'coordinator', region: '17' };
const nationalAuditor: TestUser = { userId: 'auditor@kemendagri.go.id', role: 'auditor', region: '31', national: true };
const operator: TestUser = { userId: 'ops@sinergi', role: 'admin', region: '31' };

/** The read models over the seed stories, asked through HTTP on days the clock is moved to. */
describe.each(storePairs())('the read-model routes on $name', (pair) => {
  let app: TestApp;
  let stores: AppStores;
  beforeAll(async () => {
    stores = await pair.stores();
    app = await TestApp.start({ now: '2026-11-22T03:00:00.000Z', ...stores });
    await loadSeedStories(app.get(CommandBus), () => undefined);
    await app.get(ProjectionsStatus).caughtUp(await app.eventCount());
  }, 60_000);
  afterAll(() => app.close());

  describe('GET /agreements', () => {
    it("lists the agreements of the user's region, with stage, parties, key dates, PKS and follow-up counts", async () => {
      app.clock.set('2024-07-08T03:00:00.000Z');
      const { body } = await app.as(jabar).get('/agreements').expect(200);
      expect(body).toMatchObject({ page: 1, pageSize: 20, total: 4 });
      const withBengkuluTengah = body.items.find((a: { parties: string[] }) => a.parties.includes('17.09'));
      expect(withBengkuluTengah).toMatchObject({
        stage: 'active',
        parties: ['32', '17.09'],
        // Seed 002: the fields of that day, and a follow-up for each OPD the news names, of both parties.
        fields: ['potensi-daerah', 'pelayanan-publik'],
        dates: { offered: '2024-01-08', signed: '2024-02-05', validUntil: '2029-02-05' },
        pks: [],
        followUpCounts: { open: 8, overdue: 0, done: 0, cancelled: 0 },
        // The follow-ups come before the KSB's first PKS, due 180 days after signing.
        nextDeadline: { kind: 'follow-up-due', dueOn: '2024-07-31', daysLeft: 23, overdueDays: 0 },
        daysUntilEnd: 1673,
      });
    });

    it('lets a national auditor filter any region, stage, field or title, sorted and paged', async () => {
      const auditor = app.as(nationalAuditor);
      expect((await auditor.get('/agreements').expect(200)).body.total).toBe(6);
      expect((await auditor.get('/agreements?region=36').expect(200)).body.items.map((a: { title: string }) => a.title)).toEqual([
        'Pengembangan Potensi Daerah dan Peningkatan Pelayanan Publik',
      ]);
      expect((await auditor.get('/agreements?field=umkm').expect(200)).body.total).toBe(1);
      expect((await auditor.get('/agreements?q=inovasi%20daerah').expect(200)).body.total).toBe(1);
      expect((await auditor.get('/agreements?stage=declined').expect(200)).body.total).toBe(0);
      const { body } = await auditor.get('/agreements?sort=-validUntil&pageSize=2&page=1').expect(200);
      expect(body.items.map((a: { dates: { validUntil: string } }) => a.dates.validUntil)).toEqual(['2030-10-24', '2029-02-05']);
      expect(body.total).toBe(6);
    });

    it('pages by cursor: the next and previous links walk the same order as page numbers, pinned per sort', async () => {
      const auditor = app.as(nationalAuditor);
      type Listed = { items: { agreementId: string; dates: { validUntil?: string } }[]; page: number; total: number; links: { next?: string; prev?: string } };
      const get = async (path: string): Promise<Listed> => (await auditor.get(path).expect(200)).body;
      // An offer not yet signed: no end date.
      const today = app.clock.now().toISOString();
      app.clock.set('2025-09-02T03:00:00.000Z');
      await app.as(bantenCoordinator).post('/agreements', { ...bantenOffersBengkulu, counterparts: ['11'] }).expect(201);
      app.clock.set(today);
      await app.get(ProjectionsStatus).caughtUp(await app.eventCount());
      for (const sort of ['-updated', 'title', '-title', 'offeredOn', 'validUntil', '-validUntil', 'nextDeadline']) {
        const whole = await get(`/agreements?sort=${sort}&pageSize=100`);
        expect(whole.links).toEqual({});
        const order = whole.items.map((a) => a.agreementId);
        const forward: Listed[] = [await get(`/agreements?sort=${sort}&pageSize=4`)];
        while (forward.at(-1)?.links.next) forward.push(await get(forward.at(-1)?.links.next as string));
        expect(forward.map((page) => page.page)).toEqual([1, 2]);
        expect(forward[0].total).toBe(7);
        expect(forward.flatMap((page) => page.items.map((a) => a.agreementId))).toEqual(order);
        expect(forward[0].links.prev).toBeUndefined();
        // The same pages by number.
        expect((await get(`/agreements?sort=${sort}&pageSize=4&page=2`)).items).toEqual(forward[1].items);
        // And back from the last page by its previous link.
        const back = await get(forward[1].links.prev as string);
        expect(back).toMatchObject({ page: 1, items: forward[0].items });
        expect(back.links.prev).toBeUndefined();
      }
      // Agreements without an end date (not signed) come last either way; the others by date, then by id.
      for (const sort of ['validUntil', '-validUntil']) {
        const ends = (await get(`/agreements?sort=${sort}&pageSize=100`)).items.map((a) => a.dates.validUntil ?? null);
        const dated = ends.filter((end) => end !== null) as string[];
        expect(ends).toEqual([...dated, ...ends.filter((end) => end === null)]);
        expect(dated).toEqual([...dated].sort((a, b) => (sort.startsWith('-') ? b.localeCompare(a) : a.localeCompare(b))));
        expect(ends).toContain(null);
      }
      // The links keep the filters.
      const filtered = await get('/agreements?region=32&sort=title&pageSize=3');
      expect(filtered.links.next).toMatch(/^\/agreements\?region=32&sort=title&pageSize=3&after=[\w-]+$/);
      expect((await get(filtered.links.next as string)).items.length).toBe(1);
      expect((await get('/agreements?region=36&pageSize=1')).links.next).toMatch(/^\/agreements\?region=36&pageSize=1&after=/);
    });

    it("sorts by next deadline under each proposer's own durations, the stored order and the computed one merged on every page", async () => {
      const auditor = app.as(nationalAuditor);
      type Listed = {
        items: { agreementId: string; proposer: string; nextDeadline: { dueOn: string } | null }[];
        page: number;
        links: { next?: string; prev?: string };
      };
      const get = async (path: string): Promise<Listed> => (await auditor.get(path).expect(200)).body;
      const before = (await get('/agreements?sort=nextDeadline&pageSize=100')).items;
      // Jawa Barat shortens its durations: its agreements' next deadlines move forward.
      expect(before.filter((a) => a.proposer === '32').length).toBeGreaterThan(1);
      await app.as(jabar).put('/regions/32/reminder-policy', { durations: { monevIntervalMonths: 1, ksbWithoutPksDays: 1, semesterReportDueDays: 0 } }).expect(200);
      try {
        for (const sort of ['nextDeadline', '-nextDeadline']) {
          const whole = (await get(`/agreements?sort=${sort}&pageSize=100`)).items;
          const dueOf = (id: string) => whole.find((a) => a.agreementId === id)?.nextDeadline?.dueOn;
          if (sort === 'nextDeadline') expect(before.filter((a) => a.proposer === '32').some((a) => a.nextDeadline?.dueOn !== dueOf(a.agreementId))).toBe(true);
          const direction = sort.startsWith('-') ? -1 : 1;
          const expected = [...whole].sort((a, b) => {
            const [x, y] = [a.nextDeadline?.dueOn ?? null, b.nextDeadline?.dueOn ?? null];
            if (x === null || y === null) return x === y ? direction * a.agreementId.localeCompare(b.agreementId) : x === null ? 1 : -1;
            return direction * (x.localeCompare(y) || a.agreementId.localeCompare(b.agreementId));
          });
          expect(whole.map((a) => a.agreementId)).toEqual(expected.map((a) => a.agreementId));
          for (const pageSize of [2, 3]) {
            const forward: Listed[] = [await get(`/agreements?sort=${sort}&pageSize=${pageSize}`)];
            while (forward.at(-1)?.links.next) forward.push(await get(forward.at(-1)?.links.next as string));
            expect(forward.flatMap((page) => page.items.map((a) => a.agreementId))).toEqual(expected.map((a) => a.agreementId));
            for (const [index, page] of forward.entries()) {
              expect((await get(`/agreements?sort=${sort}&pageSize=${pageSize}&page=${index + 1}`)).items).toEqual(page.items);
              if (page.links.prev) expect((await get(page.links.prev)).items).toEqual(forward[index - 1].items);
            }
          }
        }
      } finally {
        await app.as(jabar).put('/regions/32/reminder-policy', {}).expect(200);
      }
    });

    it('refuses a cursor of another sort, and a page given twice', async () => {
      const auditor = app.as(nationalAuditor);
      const { body } = await auditor.get('/agreements?sort=title&pageSize=2').expect(200);
      const cursor = new URLSearchParams(body.links.next.split('?')[1]).get('after');
      expect((await auditor.get(`/agreements?sort=-updated&pageSize=2&after=${cursor}`).expect(400)).body.errors).toContainEqual(expect.objectContaining({ field: 'after', rule: 'InvalidCursor' }));
      expect((await auditor.get('/agreements?after=bm90IGEgY3Vyc29y').expect(400)).body.errors).toContainEqual(expect.objectContaining({ field: 'after', rule: 'InvalidCursor' }));
      expect((await auditor.get(`/agreements?sort=title&page=2&after=${cursor}`).expect(400)).body.errors).toContainEqual(expect.objectContaining({ field: 'page', rule: 'OnePagePosition' }));
      expect((await auditor.get('/agreements?after=not%20a%20cursor').expect(400)).body.errors).toContainEqual(expect.objectContaining({ field: 'after', rule: 'matches' }));
    });

    it("refuses another region's agreements, and an admin any", async () => {
      expect((await app.as(jabar).get('/agreements?region=36').expect(403)).body).toMatchObject({ rule: 'RegionOutOfReach' });
      await app.as(operator).get('/agreements').expect(403);
    });

    it('answers 400 naming the field and the rule for bad parameters', async () => {
      const jabarUser = app.as(jabar);
      expect((await jabarUser.get('/agreements?pageSize=0').expect(400)).body.errors).toContainEqual(expect.objectContaining({ field: 'pageSize', rule: 'min' }));
      expect((await jabarUser.get('/agreements?page=two').expect(400)).body.errors).toContainEqual(expect.objectContaining({ field: 'page', rule: 'isInt' }));
      expect((await jabarUser.get('/agreements?sort=color').expect(400)).body.errors).toContainEqual(expect.objectContaining({ field: 'sort', rule: 'matches' }));
      expect((await jabarUser.get('/agreements?stage=done').expect(400)).body.errors).toContainEqual(expect.objectContaining({ field: 'stage', rule: 'isIn' }));
      expect((await jabarUser.get('/agreements?colour=red').expect(400)).body.errors).toContainEqual(expect.objectContaining({ field: 'colour' }));
    });
  });

  describe('GET /regions/:code/portfolio', () => {
    it('counts agreements by counterpart category, stage and field', async () => {
      const { body } = await app.as(jabar).get('/regions/32/portfolio').expect(200);
      expect(body).toMatchObject({
        region: { code: '32', name: 'Jawa Barat', level: 'province' },
        total: 4,
        byCounterpartCategory: { 'regency-same-province': 0, province: 0, 'regency-other-province': 4 },
        byStage: { active: 4 },
      });
      // Every KSB of 5 February 2024 is on potensi daerah and pelayanan publik; only Sukamara's names SPBE (seed 003).
      expect(body.byField).toContainEqual({ field: 'potensi-daerah', agreements: 4 });
      expect(body.byField).toContainEqual({ field: 'spbe', agreements: 1 });
      expect((await app.as(bengkulu).get('/regions/17/portfolio').expect(200)).body.byCounterpartCategory).toEqual({
        'regency-same-province': 0,
        province: 1,
        'regency-other-province': 0,
      });
    });

    it.each([
      ['2028-08-01', { days180: 0, days90: 0, days30: 0 }],
      ['2028-10-01', { days180: 4, days90: 0, days30: 0 }],
      ['2028-12-01', { days180: 4, days90: 4, days30: 0 }],
      ['2029-01-20', { days180: 4, days90: 4, days30: 4 }],
    ])('on %s, counts the agreements ending within 180, 90 and 30 days', async (today, counts) => {
      app.clock.set(`${today}T03:00:00.000Z`);
      const { body } = await app.as(jabar).get('/regions/32/portfolio').expect(200);
      expect(body.endingWithin).toMatchObject(counts);
      expect(body.asOf).toBe(today);
    });

    it("answers 404 for a region that does not exist, 403 for another region's", async () => {
      await app.as(nationalAuditor).get('/regions/99/portfolio').expect(404);
      await app.as(jabar).get('/regions/17/portfolio').expect(403);
    });
  });

  describe('GET /regions/:code/worklist', () => {
    it('lists open follow-ups per OPD with their agreement and the days they are overdue', async () => {
      app.clock.set('2024-07-08T03:00:00.000Z');
      const { body } = await app.as(diskominfotik).get('/regions/32/worklist?opd=Diskominfotik').expect(200);
      // Sukamara's (seed 003), overdue; Bengkulu Tengah's (seed 002), due at the end of July.
      expect(body.opds).toEqual([{ opd: 'Diskominfotik', open: 2, overdue: 1 }]);
      expect(body.items).toHaveLength(2);
      expect(body.items[0]).toMatchObject({
        followUpId: 'tl-1',
        party: '32',
        opd: 'Diskominfotik',
        action: 'Menyusun draf PKS persandian dan statistik',
        dueDate: '2024-06-28',
        agreementTitle: 'Pengembangan Potensi Daerah dan Peningkatan Pelayanan Publik',
        daysLeft: -10,
        overdueDays: 10,
      });
      app.clock.set('2024-06-20T03:00:00.000Z');
      expect((await app.as(jabar).get('/regions/32/worklist').expect(200)).body.items[0]).toMatchObject({ daysLeft: 8, overdueDays: 0 });
    });
  });

  describe('GET /regions/:code/deadlines', () => {
    it('lists the pending deadlines of the region between two dates, with who is to be reminded', async () => {
      app.clock.set('2026-11-22T03:00:00.000Z');
      const { body } = await app.as(bengkulu).get('/regions/17/deadlines?from=2026-01-01&to=2026-12-31').expect(200);
      expect(body.items.map((d: { kind: string; dueOn: string }) => [d.kind, d.dueOn])).toEqual([
        ['semester-report', '2026-01-31'],
        ['monev', '2026-10-24'],
      ]);
      expect(body.items[0]).toMatchObject({
        subject: { id: '17/2025-S2' },
        recipients: [
          { region: '17', role: 'coordinator' },
          { region: '17', role: 'opd', opd: 'Dinas Kesehatan' },
        ],
        daysLeft: -295,
        overdueDays: 295,
      });
      expect((await app.as(bengkulu).get('/regions/17/deadlines?from=2026-13-01').expect(400)).body.errors).toContainEqual(
        expect.objectContaining({ field: 'from', rule: 'isIsoDate' }),
      );
    });
  });

  describe('GET /regions/:code/activity', () => {
    it('shows who did what on the region’s agreements, newest first, page by page', async () => {
      const serang = { userId: 'koordinator.36.04', role: 'coordinator', region: '36.04' } as const;
      const first = (await app.as(serang).get('/regions/36.04/activity?limit=4').expect(200)).body;
      expect(first.items.map((e: { type: string }) => e.type)).toEqual(['FollowUpAssigned', 'AgreementActivated', 'AgreementSigned', 'AgreementSigned']);
      expect(first.items[0]).toMatchObject({ actor: { userId: 'koordinator.36.04', role: 'coordinator', region: '36.04' }, subject: 'tl-1' });
      const rest = (await app.as(serang).get(`/regions/36.04/activity?before=${first.nextBefore}`).expect(200)).body;
      expect(rest.items.at(-1).type).toBe('AgreementProposed');
      expect(rest.nextBefore).toBeUndefined();
      expect(first.items.length + rest.items.length).toBe(11);
    });
  });

  describe('GET /projections and /health', () => {
    it("show each projection's generation, position and lag", async () => {
      await app.tokenOf(operator);
      const head = await app.eventCount();
      await app.get(ProjectionsStatus).caughtUp(head);
      const { body } = await app.as(operator).get('/projections').expect(200);
      expect(body).toMatchObject({ projector: 'in-process' });
      expect(body.projections).toEqual([
        expect.objectContaining({ name: 'agreement-status', live: expect.objectContaining({ position: head, lag: 0, upToDate: true }), head }),
        expect.objectContaining({ name: 'activity', live: expect.objectContaining({ position: head, lag: 0, upToDate: true }), head }),
      ]);
      const health = (await app.as(operator).get('/health').expect(200)).body;
      expect(health.components.projections).toMatchObject({ status: 'up', activity: { ready: true, lag: 0 } });
    });

    it('name the read-model store in use', async () => {
      const store =
        stores.readModels?.adapter === 'postgres'
          ? { adapter: 'postgres', location: stores.readModels.url, schema: stores.readModels.schema }
          : { adapter: 'sqlite', location: join(app.dataDir, 'read-models.sqlite') };
      expect((await app.as(operator).get('/projections').expect(200)).body.store).toEqual(store);
      expect((await app.as(operator).get('/health').expect(200)).body.components.projections.store).toEqual(store);
    });
  });
});
