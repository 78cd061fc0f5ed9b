import { CommandBus } from '@nestjs/cqrs';
import { EVENT_SCHEMA_VERSION, type RecordedEvent } from '../../src/core/event';
import { newEventId } from '../../src/core/event-id';
import { EventStore } from '../../src/core/event-store.port';
import { loadSeedStories } from '../../src/demo/seed-stories';
import { OPEN_COLUMNS, type OpenAgreement } from '../../src/open-data/application/open-agreement';
import { ProjectionsStatus } from '../../src/read-models/projector/projections-status';
import { regionSettingsStreamId } from '../../src/region-settings/domain/region-settings';
import { RegionDirectory } from '../../src/regions/domain/region-directory';
import { Registry } from '../../src/registry/registry';
import { TestApp, type TestUser } from '../support/test-app';

const banten: TestUser = { userId: 'biro-pemotda@bantenprov.go.id', role: 'coordinator', region: '36' };
const jabar: TestUser = { userId: 'biro-pemotda@jabarprov.go.id', role: 'coordinator', region: '32' };
const SIGNATORY = { position: 'Kepala Biro Pemerintahan dan Otonomi Daerah', name: 'Siti Rahmawati', nip: '197003121995032001' };

/** Values the log holds about people, documents, follow-ups and reminders: what open data must never carry. */
const PRIVATE_KEYS = new Set(['name', 'position', 'delegation', 'note', 'summary', 'action', 'reason', 'evidence', 'documentSha256', 'documentNumber', 'skkNumber', 'number', 'place', 'outcomes', 'nip', 'decisionNumber', 'purpose']);

function privateValuesOf(events: readonly RecordedEvent[]): Set<string> {
  const found = new Set<string>();
  const walk = (value: unknown, key?: string): void => {
    if (typeof value === 'string' && key && PRIVATE_KEYS.has(key) && value.length >= 4) found.add(value);
    else if (Array.isArray(value)) value.forEach((item) => walk(item, key));
    else if (typeof value === 'object' && value !== null) Object.entries(value).forEach(([k, v]) => walk(v, k));
  };
  for (const event of events) {
    walk(event.data);
    found.add(event.metadata.actor.userId);
    if (event.metadata.reason) found.add(event.metadata.reason);
  }
  return found;
}

describe('open data, without a token', () => {
  let app: TestApp;
  const caughtUp = async () => app.get(ProjectionsStatus).caughtUp(await app.eventCount(), 60_000);
  const publicJson = async (path: string) => (await app.anonymous().get(path).expect(200)).body;

  beforeAll(async () => {
    app = await TestApp.start({ now: '2026-11-22T03:00:00.000Z' });
    await loadSeedStories(app.get(CommandBus), () => undefined);
    await app.as(banten).put('/regions/36/settings/report-signatory', SIGNATORY).expect(200);
    await caughtUp();
  }, 120_000);
  afterAll(() => app.close());

  describe('of a region that has not opted in', () => {
    it('does not exist: 404 with the rule, and the national feed is empty', async () => {
      const { body } = await app.anonymous().get('/open-data/regions/36/agreements.json').expect(404);
      expect(body).toMatchObject({ rule: 'OpenDataNotPublished' });
      await app.anonymous().get('/open-data/regions/36/agreements.csv').expect(404);
      await app.anonymous().get('/open-data/regions/36/metadata.json').expect(404);
      expect(await publicJson('/open-data/agreements.json')).toEqual([]);
      expect(await publicJson('/open-data/regions.json')).toEqual([]);
    });
  });

  describe('of regions that opted in', () => {
    beforeAll(async () => {
      await app.as(banten).put('/regions/36/settings/open-data', { published: true }).expect(200);
      await app.as(jabar).put('/regions/32/settings/open-data', { published: true }).expect(200);
      await caughtUp();
    }, 90_000);

    it("publishes each region's agreements, and the nation's, with the public facts", async () => {
      const bantens: OpenAgreement[] = await publicJson('/open-data/regions/36/agreements.json');
      expect(bantens).toEqual([
        {
          agreementId: expect.any(String),
          title: 'Pengembangan Potensi Daerah dan Peningkatan Pelayanan Publik',
          proposerCode: '17',
          proposerName: 'Provinsi Bengkulu',
          counterpartCodes: ['36'],
          counterpartNames: ['Provinsi Banten'],
          fields: ['potensi-daerah', 'pelayanan-publik', 'kesehatan'],
          fieldNames: ['Potensi Daerah', 'Pelayanan Publik', 'Kesehatan'],
          urusanCodes: ['1.02'],
          kind: 'voluntary',
          stage: 'active',
          stageName: 'Aktif',
          offeredOn: expect.any(String),
          validFrom: '2025-10-24',
          validUntil: '2030-10-24',
          endedOn: null,
          pksCount: 1,
          activePksCount: 1,
        },
      ]);
      const nation: OpenAgreement[] = await publicJson('/open-data/agreements.json');
      expect(nation).toHaveLength(5);
      // Serang–Bandung: neither party publishes.
      expect(nation.map((a) => a.title)).not.toContain('Kolaborasi Program Inovasi Daerah dan Pengembangan UMKM');
      expect(await publicJson('/open-data/regions.json')).toEqual([
        expect.objectContaining({ code: '32', name: 'Jawa Barat', since: '2026-11-22' }),
        expect.objectContaining({ code: '36', name: 'Banten', since: '2026-11-22' }),
      ]);
      // Bengkulu is a party to Banten's agreement, but has not opted in itself.
      await app.anonymous().get('/open-data/regions/17/agreements.json').expect(404);
    });

    it('carries no personal data: no field holds anything the log records about people, documents or follow-ups', async () => {
      const privateValues = privateValuesOf(await app.get(EventStore).readAll(0, 100_000));
      privateValues.add(SIGNATORY.name);
      privateValues.add(SIGNATORY.nip);
      expect(privateValues).toContain('Andra Soni');
      expect(privateValues).toContain('Menyusun rencana aksi layanan rujukan kesehatan lintas provinsi');

      const records: OpenAgreement[] = await publicJson('/open-data/agreements.json');
      const csv = (await app.anonymous().get('/open-data/agreements.csv').expect(200)).text;
      const columns = OPEN_COLUMNS.map((c) => c.name);
      for (const record of records) {
        expect(Object.keys(record)).toEqual(columns);
        for (const value of Object.values(record).flat()) {
          const text = String(value);
          for (const secret of privateValues) expect(text).not.toContain(secret);
          expect(text).not.toMatch(/@|\b\d{18}\b|\b[0-9a-f]{64}\b/);
        }
      }
      for (const secret of privateValues) expect(csv).not.toContain(secret);
    });

    it('gives the CSV one line per agreement under a header, and the Excel dialect on request', async () => {
      const csv = (await app.anonymous().get('/open-data/regions/32/agreements.csv').expect(200)).text;
      const lines = csv.trimEnd().split('\r\n');
      expect(lines[0]).toBe(OPEN_COLUMNS.map((c) => c.name).join(','));
      expect(lines).toHaveLength(1 + 4);
      expect(lines.find((l) => l.includes('17.09'))).toContain(',32,Provinsi Jawa Barat,17.09,Kabupaten Bengkulu Tengah,');

      const excel = (await app.anonymous().get('/open-data/regions/32/agreements.csv?excel=1').expect(200)).text;
      expect(excel.startsWith('\uFEFFagreementId;title;proposerCode;')).toBe(true);
      expect(excel).toContain(';32;Provinsi Jawa Barat;17.09;Kabupaten Bengkulu Tengah;');
      await app.anonymous().get('/open-data/agreements.csv?excel=ya').expect(400);
    });

    it('describes itself in the Satu Data Indonesia manner: producers, period, columns, codes, licence, last update', async () => {
      const metadata = await publicJson('/open-data/regions/36/metadata.json');
      expect(metadata).toMatchObject({
        title: 'Kerja Sama Daerah Provinsi Banten: Kesepakatan Bersama dan Perjanjian Kerja Sama',
        producers: [{ code: '36', name: 'Provinsi Banten', since: '2026-11-22' }],
        period: { from: expect.stringMatching(/^2025-/), to: '2026-11-22' },
        lastUpdated: expect.any(String),
        licence: { name: expect.stringContaining('CC BY 4.0') },
        distributions: [{ format: 'CSV', url: '/open-data/regions/36/agreements.csv' }, { format: 'JSON', url: '/open-data/regions/36/agreements.json' }],
      });
      expect(metadata.columns.map((c: { name: string }) => c.name)).toEqual(OPEN_COLUMNS.map((c) => c.name));
      for (const column of metadata.columns) expect(column.definition.length).toBeGreaterThan(10);
      expect((await publicJson('/open-data/metadata.json')).producers.map((p: { code: string }) => p.code)).toEqual(['32', '36']);
    });

    it("gives the nation's first offer and last event as its regions' metadata do, when every region publishes", async () => {
      // Recorded in the log directly, as an operator's run would: 552 regions' settings through the API take long.
      const store = app.get(EventStore);
      const setOpenData = async (type: 'OpenDataPublished' | 'OpenDataWithdrawn', codes: string[]) => {
        const metadata = { actor: { userId: 'ops@sinergi', role: 'admin' as const, region: '36' }, occurredAt: '2026-11-22T03:00:00.000Z', correlationId: type, causationId: type };
        for (const code of codes) {
          await store.append(regionSettingsStreamId(code), [{ id: newEventId(), type, schemaVersion: EVENT_SCHEMA_VERSION, data: { region: code, on: '2026-11-22' }, metadata }], 'any');
        }
        await app.get(Registry).caughtUpWithStore();
      };
      const others = RegionDirectory.load().all().map(({ code }) => code).filter((code) => code !== '32' && code !== '36');
      await setOpenData('OpenDataPublished', others);

      const national: OpenAgreement[] = await publicJson('/open-data/agreements.json');
      const parties = [...new Set(national.flatMap((a) => [a.proposerCode, ...a.counterpartCodes]))];
      const regional = await Promise.all(parties.map((code) => publicJson(`/open-data/regions/${code}/metadata.json`)));
      const metadata = await publicJson('/open-data/metadata.json');
      expect(metadata.period.from).toBe(national.map((a) => a.offeredOn).sort()[0]);
      expect(metadata.period.from).toBe(regional.map((m) => m.period.from as string).sort()[0]);
      expect(metadata.logPosition).toBe(Math.max(...regional.map((m) => m.logPosition as number)));

      await setOpenData('OpenDataWithdrawn', others);
    });

    it('stops publishing when the region opts out, and answers 404 for a code that is no region', async () => {
      await app.as(jabar).put('/regions/32/settings/open-data', { published: false }).expect(200);
      await caughtUp();
      await app.anonymous().get('/open-data/regions/32/agreements.json').expect(404);
      expect(await publicJson('/open-data/agreements.json')).toHaveLength(1);
      await app.anonymous().get('/open-data/regions/99/agreements.json').expect(404);
    });
  });
});
