import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as yauzl from 'yauzl';
import { runAuditCommand } from '../../src/audit/audit-cli';
import { runDocumentsCommand } from '../../src/documents/documents-cli';
import { join } from 'node:path';
import { Client } from 'pg';
import type { Actor } from '../../src/core/event';
import { DocumentStore } from '../../src/documents/document-store.port';
import { docxFile, odtFile, pdfFile, pngFile, sha256Of, xlsxFile } from '../support/document-files';
import { postgresSkipped, privatePostgresOfThisFile } from '../support/private-postgres';
import { freshPostgresStores } from '../support/stores';
import { TestApp, type TestAppOptions } from '../support/test-app';
import { BANTEN, BENGKULU, bantenCoordinator, bantenOffersBengkulu, bengkuluCoordinator, bengkuluDinkes, ksbSignature } from './http-fixtures';

const jawaBaratCoordinator: Actor = { userId: 'biro-pemotda@jabarprov.go.id', role: 'coordinator', region: '32' };
const bantenAuditor: Actor = { userId: 'inspektorat@bantenprov.go.id', role: 'auditor', region: BANTEN };
const bpk = { userId: 'auditor@bpk.go.id', role: 'auditor' as const, region: '31', national: true };
const admin: Actor = { userId: 'ops@sinergi.go.id', role: 'admin', region: BANTEN };

/** Where a document's bytes are, so that a spec can swap or remove them behind Sinergi's back. */
interface DocumentStorage {
  name: string;
  options(): Promise<TestAppOptions>;
  /** The environment the command line reads to reach the same stores. */
  env(app: TestApp): NodeJS.ProcessEnv;
  swap(app: TestApp, sha256: string, bytes: Buffer): Promise<void>;
  remove(app: TestApp, sha256: string): Promise<void>;
}

const postgres = privatePostgresOfThisFile();
let postgresUrl = '';

async function onDatabase(work: (client: Client) => Promise<unknown>): Promise<void> {
  const client = new Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

const storages: DocumentStorage[] = [
  {
    name: 'files, with SQLite events',
    options: async () => ({}),
    env: (app) => ({ SINERGI_DATA_DIR: app.dataDir }),
    swap: async (app, sha256, bytes) => writeFileSync(join(app.dataDir, 'documents', sha256.slice(0, 2), sha256), bytes),
    remove: async (app, sha256) => rmSync(join(app.dataDir, 'documents', sha256.slice(0, 2), sha256)),
  },
  ...(postgresSkipped
    ? []
    : [
        {
          name: 'PostgreSQL, with PostgreSQL events',
          options: async () => {
            const stores = await freshPostgresStores(await postgres());
            postgresUrl = stores.events.url;
            return { ...stores, documents: { adapter: 'postgres', url: postgresUrl } };
          },
          env: (app) => ({
            SINERGI_DATA_DIR: app.dataDir,
            SINERGI_EVENT_STORE: 'postgres',
            SINERGI_POSTGRES_URL: postgresUrl,
            SINERGI_DOCUMENTS: 'postgres',
          }),
          swap: (_app, sha256, bytes) =>
            onDatabase((client) => client.query('UPDATE document_chunks SET bytes = $2 WHERE sha256 = $1 AND seq = 0', [sha256, bytes])),
          remove: (_app, sha256) => onDatabase((client) => client.query('DELETE FROM documents WHERE sha256 = $1', [sha256])),
        } satisfies DocumentStorage,
      ]),
];

/**
 * The Banten–Bengkulu KSB with its documents: each step names its file by SHA-256, then the file is handed in, kept,
 * downloaded by a party, refused to another region, and a file swapped or lost where it is kept is caught.
 */
describe.each(storages)('the documents of the Banten–Bengkulu KSB, kept in $name', (storage) => {
  let app: TestApp;
  let id: string;
  const banten = () => app.as(bantenCoordinator);
  const bengkulu = () => app.as(bengkuluCoordinator);
  const documentPath = (sha256: string) => `/agreements/${id}/documents/${sha256}`;
  const upload = (as: Actor, bytes: Buffer, sha256 = sha256Of(bytes), name?: string) =>
    app
      .as(as)
      .put(`${documentPath(sha256)}${name === undefined ? '' : `?name=${encodeURIComponent(name)}`}`)
      .set('Content-Type', 'application/octet-stream')
      .send(bytes);
  const download = (as: Actor | typeof bpk, sha256: string) => binary(as, documentPath(sha256));
  const binary = (as: Actor | typeof bpk, path: string) =>
    app
      .as(as)
      .get(path)
      .buffer(true)
      .parse((response, done) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        // Refusals are JSON; a document is its bytes.
        response.on('end', () => {
          const bytes = Buffer.concat(chunks);
          done(null, String(response.headers['content-type']).startsWith('application/json') ? JSON.parse(bytes.toString()) : bytes);
        });
      });
  const listed = async () => (await banten().get(`/agreements/${id}/documents`).expect(200)).body as { sha256: string; state: string }[];
  const stateOf = async (sha256: string) => (await listed()).find((d) => d.sha256 === sha256)?.state;
  const kept = async (sha256: string) => app.get(DocumentStore).sizeOf(sha256);

  const draft = pdfFile('Kesepakatan Bersama Banten–Bengkulu, draf versi 1', 300_000);
  let pksDraft: Buffer;
  let semesterReport: Buffer;
  let amendment: Buffer;
  const evidence = pngFile();
  const notAnyStepsFile = pdfFile('surat lain');
  const htmlNamedPdf = Buffer.from('<!doctype html><html><body><script>alert("KSB")</script></body></html>');

  beforeAll(async () => {
    [pksDraft, semesterReport, amendment] = await Promise.all([
      docxFile('PKS pelayanan kesehatan'),
      xlsxFile('Laporan semester I 2026'),
      odtFile('Addendum pertama'),
    ]);
    app = await TestApp.start({ now: '2025-09-01T02:00:00.000Z', documentMaxBytes: 1024 * 1024, ...(await storage.options()) });
    const { body } = await banten().post('/agreements', bantenOffersBengkulu).expect(201);
    id = body.agreementId;
    await bengkulu().post(`/agreements/${id}/acceptances`, { party: BENGKULU }).expect(200);
    for (const named of [draft, htmlNamedPdf]) {
      await banten().post(`/agreements/${id}/drafts`, { documentSha256: sha256Of(named), summary: 'draf' }).expect(201);
    }
    await banten().post(`/agreements/${id}/drafts`, { documentSha256: sha256Of(draft), summary: 'draf akhir' }).expect(201);
    await banten().post(`/agreements/${id}/drafts/3/approvals`, { party: BANTEN }).expect(200);
    await bengkulu().post(`/agreements/${id}/drafts/3/approvals`, { party: BENGKULU }).expect(200);
    // Signed on the day of the ceremony, recorded that day: a signature is never dated after the day it is recorded.
    app.clock.set('2025-10-24T03:00:00.000Z');
    await banten().post(`/agreements/${id}/signatures`, ksbSignature(BANTEN)).expect(200);
    await bengkulu().post(`/agreements/${id}/signatures`, ksbSignature(BENGKULU)).expect(200);
    app.clock.set('2026-07-20T02:00:00.000Z');
    await bengkulu()
      .post(`/agreements/${id}/semester-reports`, { party: BENGKULU, year: 2026, semester: 1, summary: 'Laporan semester I', documentSha256: sha256Of(semesterReport) })
      .expect(200);
    await bengkulu()
      .post(`/agreements/${id}/pks`, { field: 'kesehatan', title: 'PKS pelayanan kesehatan', leadOpds: [{ party: BANTEN, opd: 'Dinas Kesehatan Provinsi Banten' }, { party: BENGKULU, opd: bengkuluDinkes.opd }], termMonths: 24, dprdRequiredFor: [] })
      .expect(201);
    await app.as(bengkuluDinkes).post(`/agreements/${id}/pks/pks-1/revisions`, { documentSha256: sha256Of(pksDraft), summary: 'Naskah PKS' }).expect(201);
    await bengkulu()
      .post(`/agreements/${id}/follow-ups`, { party: BENGKULU, opd: bengkuluDinkes.opd, action: 'Menyusun alur rujukan pasien', dueDate: '2026-09-30' })
      .expect(201);
    await app.as(bengkuluDinkes).post(`/agreements/${id}/follow-ups/tl-1/acknowledgement`, {}).expect(200);
    await app.as(bengkuluDinkes).post(`/agreements/${id}/follow-ups/tl-1/progress`, { percent: 50, note: 'notulen rapat', evidence: [sha256Of(evidence)] }).expect(200);
  }, 120_000);
  afterAll(() => app?.close());

  describe('a document a step named', () => {
    it('is listed as not uploaded until its file is handed in', async () => {
      expect(await stateOf(sha256Of(draft))).toBe('not-uploaded');
      expect(await stateOf(sha256Of(evidence))).toBe('not-uploaded');
    });

    it('is kept when a party hands in its file, under the name given, and only once', async () => {
      const first = await upload(bantenCoordinator, draft, undefined, 'Draf KSB Banten–Bengkulu.pdf').expect(201);
      expect(first.body).toEqual({
        sha256: sha256Of(draft),
        size: draft.length,
        mediaType: 'application/pdf',
        fileName: 'Draf KSB Banten–Bengkulu.pdf',
        alreadyKept: false,
      });
      const events = await app.eventCount();

      expect((await upload(bengkuluCoordinator, draft).expect(200)).body).toMatchObject({ alreadyKept: true, fileName: 'Draf KSB Banten–Bengkulu.pdf' });
      expect(await app.eventCount()).toBe(events);
      expect(await stateOf(sha256Of(draft))).toBe('kept');
    });

    it("is kept whatever its kind among the steps': PKS draft (DOCX), semester report (XLSX), evidence (PNG)", async () => {
      await upload(bengkuluDinkes, pksDraft).expect(201);
      await upload(bengkuluCoordinator, semesterReport).expect(201);
      await upload(bengkuluDinkes, evidence).expect(201);

      const documents = await listed();
      expect(documents.map((d) => [d.state, (d as unknown as { namedBy: { role: string }[] }).namedBy[0].role])).toEqual([
        ['kept', 'draft'],
        ['not-uploaded', 'draft'],
        ['kept', 'semester-report'],
        ['kept', 'pks-draft'],
        ['kept', 'follow-up-evidence'],
      ]);
    });
  });

  describe('a download', () => {
    it('gives a party the very bytes, as an attachment of the type read from the content, never sniffed by the browser', async () => {
      const response = await download(bengkuluCoordinator, sha256Of(draft)).expect(200);

      expect(sha256Of(response.body)).toBe(sha256Of(draft));
      expect(response.headers['content-type']).toBe('application/pdf');
      expect(response.headers['content-length']).toBe(String(draft.length));
      expect(response.headers['content-disposition']).toMatch(/^attachment; filename="Draf KSB Banten.Bengkulu\.pdf"; filename\*=UTF-8''Draf%20KSB%20Banten%E2%80%93Bengkulu\.pdf$/);
      expect(response.headers['x-content-type-options']).toBe('nosniff');
    });

    it("is given to the parties' auditors and national auditors", async () => {
      expect((await download(bantenAuditor, sha256Of(pksDraft)).expect(200)).body).toEqual(pksDraft);
      expect((await download(bpk, sha256Of(evidence)).expect(200)).body).toEqual(evidence);
    });

    it('is refused to another region and to the operator', async () => {
      expect((await download(jawaBaratCoordinator, sha256Of(draft)).expect(403)).body).toMatchObject({ rule: 'RegionNotAParty' });
      expect((await download(admin, sha256Of(draft)).expect(403)).body).toMatchObject({ rule: 'OperatorSeesNoAgreements' });
      await app.as(jawaBaratCoordinator).get(`/agreements/${id}/documents`).expect(403);
    });

    it('answers 404 for a hash the agreement does not name, or a document not uploaded yet', async () => {
      expect((await banten().get(documentPath(sha256Of(notAnyStepsFile))).expect(404)).body).toMatchObject({ rule: 'DocumentNotNamedHere' });
      expect((await banten().get(documentPath(sha256Of(htmlNamedPdf))).expect(404)).body).toMatchObject({ rule: 'DocumentNotKept' });
    });
  });

  describe('an upload that is refused', () => {
    const nothingWritten = async (attempt: () => Promise<unknown>, sha256: string) => {
      const events = await app.eventCount();
      await attempt();
      expect(await app.eventCount()).toBe(events);
      expect(await kept(sha256)).toBeUndefined();
    };

    it('from another region is 403, and nothing is kept', () =>
      nothingWritten(async () => {
        expect((await upload(jawaBaratCoordinator, amendment).expect(403)).body).toMatchObject({ rule: 'RegionNotAParty' });
        expect((await upload(bantenAuditor, amendment).expect(403)).body).toMatchObject({ rule: 'ReadOnlyRole' });
      }, sha256Of(amendment)));

    it('whose hash no step names is 409, and nothing is kept', () =>
      nothingWritten(async () => {
        expect((await upload(bantenCoordinator, amendment).expect(409)).body).toMatchObject({ rule: 'DocumentNotNamed' });
      }, sha256Of(amendment)));

    it('whose bytes are not the ones named is 409, and nothing is kept', () =>
      nothingWritten(async () => {
        const other = pdfFile('another draft');
        expect((await upload(bantenCoordinator, other, sha256Of(htmlNamedPdf)).expect(409)).body).toMatchObject({ rule: 'DocumentDoesNotMatchHash' });
        expect(await kept(sha256Of(other))).toBeUndefined();
      }, sha256Of(htmlNamedPdf)));

    it('whose content is not a kept kind, whatever its name, is 415, and nothing is kept', () =>
      nothingWritten(async () => {
        expect((await upload(bantenCoordinator, htmlNamedPdf, undefined, 'draf.pdf').expect(415)).body).toMatchObject({ rule: 'DocumentTypeRefused' });
      }, sha256Of(htmlNamedPdf)));

    it('with a path for a name is 400, and nothing is kept', () =>
      nothingWritten(async () => {
        const body = (await upload(bantenCoordinator, htmlNamedPdf, undefined, '../../etc/passwd').expect(400)).body;
        expect(body.errors).toEqual([expect.objectContaining({ field: 'name', rule: 'PathLikeFileName' })]);
      }, sha256Of(htmlNamedPdf)));

    it('for something that is no SHA-256 is 400', async () => {
      const body = (await upload(bantenCoordinator, draft, 'A'.repeat(64)).expect(400)).body;
      expect(body.errors).toEqual([expect.objectContaining({ field: 'sha256', rule: 'NotASha256' })]);
    });

    it('above the size limit is 413, whether it says its length or not, and nothing is kept', async () => {
      const large = pdfFile('lampiran besar', 1024 * 1024);
      await banten().post(`/agreements/${id}/amendments`, amendmentOf(sha256Of(large))).expect(200);

      await nothingWritten(async () => {
        expect((await upload(bantenCoordinator, large).expect(413)).body).toMatchObject({ rule: 'DocumentTooLarge' });
        expect(await sendChunked(app, bantenCoordinator, documentPath(sha256Of(large)), large)).toMatchObject({ status: 413 });
      }, sha256Of(large));
    });

    it('that breaks off midway keeps nothing', async () => {
      const interrupted = pdfFile('addendum', 600 * 1024);
      await banten().post(`/agreements/${id}/amendments`, amendmentOf(sha256Of(interrupted))).expect(200);

      await nothingWritten(() => breakOffUpload(app, bantenCoordinator, documentPath(sha256Of(interrupted)), interrupted), sha256Of(interrupted));
      expect(await stateOf(sha256Of(interrupted))).toBe('not-uploaded');
    });
  });

  describe('the audit bundle', () => {
    it("holds the agreement's kept documents, its history as JSON and CSV, and the verification with the seal", async () => {
      const response = await binary(bpk, `/audit/agreements/${id}/bundle`).expect(200);
      expect(response.headers['content-type']).toBe('application/zip');
      expect(response.headers['content-disposition']).toBe(`attachment; filename="agreement-${id}-bundle.zip"`);

      const entries = await unzip(response.body);
      const documents = [...entries.keys()].filter((name) => name.startsWith('documents/'));
      expect(documents).toContain(`documents/${sha256Of(draft).slice(0, 8)}-Draf KSB Banten–Bengkulu.pdf`);
      expect(documents.map((name) => name.slice('documents/'.length, 'documents/'.length + 8)).sort()).toEqual(
        [draft, pksDraft, semesterReport, evidence].map((bytes) => sha256Of(bytes).slice(0, 8)).sort(),
      );
      for (const name of documents) expect(name.slice('documents/'.length, 'documents/'.length + 8)).toBe(sha256Of(entries.get(name)!).slice(0, 8));
      const history = JSON.parse(entries.get('history.json')!.toString());
      expect(history).toMatchObject({ agreementId: id, verification: { intact: true } });
      expect(entries.get('history.csv')!.toString()).toContain('DraftRevised');
      const verification = JSON.parse(entries.get('verification.json')!.toString());
      const verified = (await app.as(bpk).get('/audit/verify?documents=false').expect(200)).body;
      expect(verification).toMatchObject({ agreementChainIntact: true, documentsIntact: true, log: { intact: true, seal: verified.seal, position: verified.position } });
      expect(verification.documents.map((d: { state: string }) => d.state)).toEqual(['kept', 'not-uploaded', 'kept', 'kept', 'kept', 'not-uploaded', 'not-uploaded']);
    });

    it('is refused to another region', async () => {
      expect((await app.as(jawaBaratCoordinator).get(`/audit/agreements/${id}/bundle`).expect(403)).body).toMatchObject({ rule: 'RegionNotAParty' });
    });

    it('is written by `sinergi audit bundle`, and `sinergi documents check` finds every kept document intact', async () => {
      const file = join(app.dataDir, 'bundle.zip');
      const printed: string[] = [];
      const print = (line: string) => printed.push(line);
      const quiet = { write: () => undefined };

      expect(await withEnv(storage.env(app), () => runAuditCommand(['bundle', id, '--out', file], { print, progress: quiet }))).toBe(0);
      expect([...(await unzip(readFileSync(file))).keys()]).toEqual(expect.arrayContaining(['history.json', 'history.csv', 'verification.json']));
      expect(await withEnv(storage.env(app), () => runDocumentsCommand(['check'], print, quiet))).toBe(0);
      expect(printed.at(-2)).toBe('DOCUMENTS INTACT: 7 named by the steps, 4 kept and matching, 3 not uploaded yet, 0 missing, 0 no longer matching.');
    });

    it('is not read again by the next check once it matched, unless `--full` is asked', async () => {
      const check = async (...flags: string[]): Promise<string | undefined> => {
        const printed: string[] = [];
        expect(await withEnv(storage.env(app), () => runDocumentsCommand(['check', ...flags], (line) => printed.push(line), { write: () => undefined }))).toBe(0);
        return printed.at(-1);
      };
      const nothingReadBack = '  0 read back and hashed again, 4 stored as they were when they last matched and not read again (`--full` reads every one).';
      // A file's version is remembered once it is older than the file system's clock tick: a few checks may pass first.
      let readBack = await check();
      for (let attempt = 0; attempt < 20 && readBack !== nothingReadBack; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 300));
        readBack = await check();
      }

      expect(readBack).toBe(nothingReadBack);
      expect(await check('--full')).toBe('  4 read back and hashed again, 0 stored as they were when they last matched and not read again (`--full` reads every one).');
    }, 30_000);
  });

  describe('a kept document changed behind Sinergi after a check remembered it as matching', () => {
    it('is listed as not matching, never served whole, and reported by verify', async () => {
      await storage.swap(app, sha256Of(pksDraft), await docxFile('PKS yang diubah diam-diam'));

      expect(await stateOf(sha256Of(pksDraft))).toBe('does-not-match');
      const served = await download(bengkuluCoordinator, sha256Of(pksDraft)).then(
        (response) => response.status,
        () => 'broken off',
      );
      expect([409, 'broken off']).toContain(served);
      const verified = (await app.as(bpk).get('/audit/verify').expect(200)).body;
      expect(verified).toMatchObject({ intact: true, documents: { intact: false, doesNotMatch: [{ sha256: sha256Of(pksDraft), agreementIds: [id] }], missing: [] } });
    });

    it('when removed, is listed and reported as missing, not as never uploaded', async () => {
      await storage.remove(app, sha256Of(evidence));

      expect(await stateOf(sha256Of(evidence))).toBe('missing');
      const verified = (await app.as(bpk).get('/audit/verify').expect(200)).body;
      expect(verified.documents).toMatchObject({ intact: false, missing: [{ sha256: sha256Of(evidence), agreementIds: [id] }], kept: 2 });
    });

    it('makes `sinergi audit verify` and `sinergi documents check` exit 1, naming each', async () => {
      const printed: string[] = [];
      const print = (line: string) => printed.push(line);
      const quiet = { write: () => undefined };

      expect(await withEnv(storage.env(app), () => runAuditCommand(['verify'], { print, progress: quiet }))).toBe(1);
      expect(printed[0]).toMatch(/^INTACT: /);
      expect(await withEnv(storage.env(app), () => runDocumentsCommand(['check'], print, quiet))).toBe(1);
      expect(printed.slice(-4)).toEqual([
        'DOCUMENTS BROKEN: 7 named by the steps, 2 kept and matching, 3 not uploaded yet, 1 missing, 1 no longer matching.',
        '  1 read back and hashed again, 2 stored as they were when they last matched and not read again (`--full` reads every one).',
        `  missing: ${sha256Of(evidence)} (agreement ${id}): kept once, now gone; restore it from a backup`,
        `  does not match: ${sha256Of(pksDraft)} (agreement ${id}): the bytes kept were changed; restore them from a backup`,
      ]);
    });
  });

  describe('a proposal that names its offer letter', () => {
    it('lets the offer letter be kept from the first step on', async () => {
      const letter = pdfFile('Surat penawaran kerja sama Banten–Bengkulu');
      const offer = { ...bantenOffersBengkulu, offerLetter: { ...bantenOffersBengkulu.offerLetter, documentSha256: sha256Of(letter) } };
      const proposed = (await banten().post('/agreements', offer).expect(201)).body.agreementId;

      await app.as(bantenCoordinator).put(`/agreements/${proposed}/documents/${sha256Of(letter)}`).set('Content-Type', 'application/octet-stream').send(letter).expect(201);

      const documents = (await banten().get(`/agreements/${proposed}/documents`).expect(200)).body;
      expect(documents).toMatchObject([{ sha256: sha256Of(letter), state: 'kept', namedBy: [{ role: 'offer-letter', label: bantenOffersBengkulu.offerLetter.number }] }]);
    });
  });

  describe('a monev that names its report', () => {
    it('lets the report be kept like any other document', async () => {
      const report = pdfFile('Laporan monitoring dan evaluasi 2026');
      await banten()
        .post(`/agreements/${id}/monev`, { party: BANTEN, date: '2026-07-20', rating: 4, recommendation: 'continue', note: 'berjalan baik', documentSha256: sha256Of(report) })
        .expect(200);

      await upload(bantenCoordinator, report, undefined, 'Laporan monev 2026.pdf').expect(201);

      const row = (await listed()).find((d) => d.sha256 === sha256Of(report)) as unknown as { state: string; namedBy: { role: string }[] };
      expect(row).toMatchObject({ state: 'kept', namedBy: [{ role: 'monev' }] });
    });
  });
});

/** Every entry of a ZIP, read back with yauzl as an auditor's tool would. */
async function unzip(bytes: Buffer): Promise<Map<string, Buffer>> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => yauzl.fromBuffer(bytes, { lazyEntries: true }, (error, file) => (error ? reject(error) : resolve(file))));
  const entries = new Map<string, Buffer>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) =>
      zip.openReadStream(entry, (error, stream) => {
        if (error) return reject(error);
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          entries.set(entry.fileName, Buffer.concat(chunks));
          zip.readEntry();
        });
      }),
    );
    zip.on('end', resolve);
    zip.on('error', reject);
    zip.readEntry();
  });
  return entries;
}

/** Runs a command line as if these variables were set. */
async function withEnv<T>(env: NodeJS.ProcessEnv, run: () => Promise<T>): Promise<T> {
  const before = Object.fromEntries(Object.keys(env).map((name) => [name, process.env[name]]));
  Object.assign(process.env, env);
  try {
    return await run();
  } finally {
    for (const [name, value] of Object.entries(before)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

function amendmentOf(documentSha256: string) {
  return {
    documentSha256,
    summary: 'Addendum',
    signatures: [BANTEN, BENGKULU].map((party) => {
      const { signatory, date } = ksbSignature(party, '2026-07-20');
      return { party, signatory, date, documentNumber: `${party}/ADD/${randomUUID().slice(0, 4)}` };
    }),
  };
}

async function sendChunked(app: TestApp, as: Actor, path: string, bytes: Buffer): Promise<{ status: number }> {
  const token = await app.tokenOf(as);
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${app.url}${path}`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream', 'Transfer-Encoding': 'chunked' },
    });
    request.on('response', (response) => {
      response.resume();
      resolve({ status: response.statusCode ?? 0 });
    });
    request.on('error', reject);
    for (let at = 0; at < bytes.length; at += 64 * 1024) request.write(bytes.subarray(at, at + 64 * 1024));
    request.end();
  });
}

/** Sends half the file, then drops the connection, as a laptop that loses its network would. */
async function breakOffUpload(app: TestApp, as: Actor, path: string, bytes: Buffer): Promise<void> {
  const token = await app.tokenOf(as);
  return new Promise((resolve) => {
    const request = httpRequest(`${app.url}${path}`, {
      method: 'PUT',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream', 'Content-Length': String(bytes.length) },
    });
    request.on('error', () => undefined);
    request.write(bytes.subarray(0, bytes.length / 2), () => {
      setTimeout(() => {
        request.destroy();
        // Give the server the moment it needs to notice and clean up.
        setTimeout(resolve, 300);
      }, 100);
    });
  });
}
