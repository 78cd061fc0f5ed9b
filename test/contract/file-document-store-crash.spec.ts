import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pdfFile, sha256Of } from '../support/document-files';
import { freePort } from '../support/private-redis';
import { TestApp } from '../support/test-app';
import { waitUntil } from '../support/wait-until';
import { bantenCoordinator, bantenOffersBengkulu, bengkuluCoordinator, BENGKULU } from '../e2e/http-fixtures';

const root = join(__dirname, '..', '..');
const NOW = '2025-09-15T03:00:00.000Z';
const MB = 1024 * 1024;

/** The steps of the files store's write sequence a server is killed at (see test/support/document-crash-point.js). */
const CRASH_POINTS = [
  { step: 'writing', before: 'rename' },
  { step: 'flushing-the-file', before: 'rename' },
  { step: 'renaming', before: 'rename' },
  { step: 'flushing-the-folder', before: 'the folder is flushed' },
] as const;

/** The server as `sinergi start` runs it, made to stop at `step` of the write sequence. */
async function serverStoppingAt(dataDir: string, step: string): Promise<{ url: string; child: ChildProcess; output: () => string }> {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    ['--require', join(root, 'test/support/document-crash-point.js'), '--require', join(root, 'test/support/swc-register.js'), join(root, 'src/main.ts')],
    {
      cwd: root,
      env: { PATH: process.env.PATH, PORT: String(port), SINERGI_DATA_DIR: dataDir, SINERGI_TEST_CRASH_POINT: step },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitUntil(() => output.includes('listening on') || child.exitCode !== null, 'the server to listen', 90_000);
  if (child.exitCode !== null) throw new Error(`the server did not start:\n${output}`);
  return { url: `http://127.0.0.1:${port}`, child, output: () => output };
}

/** Sends the file; the answer never comes when the server is killed during the upload. */
function upload(url: string, token: string, file: Buffer): void {
  const sending = request(url, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/octet-stream', 'Content-Length': String(file.length) },
  });
  sending.on('error', () => undefined);
  sending.end(file);
}

/**
 * A server killed with SIGKILL at every step of the files store's write sequence (temporary file, flush, rename,
 * flush of the folder): the crash never leaves a half file where it is served or counted, the next start clears
 * the temporary files, and the same upload then succeeds.
 */
describe('the files store, when the server is killed while it keeps an upload', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sinergi-document-crash-'));
  const files = CRASH_POINTS.map((_, i) => pdfFile(`Lampiran yang terputus ${i}`, 3 * MB));
  const documents = join(dataDir, 'documents');
  const incoming = join(documents, '.incoming');
  const kept = (file: Buffer) => join(documents, sha256Of(file).slice(0, 2), sha256Of(file));
  let agreementId: string;
  let uploaderToken: string;

  beforeAll(async () => {
    const app = await TestApp.start({ dataDir, now: NOW });
    try {
      const { body } = await app.as(bantenCoordinator).post('/agreements', bantenOffersBengkulu).expect(201);
      agreementId = body.agreementId;
      await app.as(bengkuluCoordinator).post(`/agreements/${agreementId}/acceptances`, { party: BENGKULU }).expect(200);
      for (const file of files) {
        await app.as(bantenCoordinator).post(`/agreements/${agreementId}/drafts`, { documentSha256: sha256Of(file), summary: 'draf' }).expect(201);
      }
      uploaderToken = await app.tokenOf(bantenCoordinator);
    } finally {
      await app.close();
    }
  }, 60_000);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it.each(CRASH_POINTS.map((point, i) => ({ ...point, file: files[i] })))('killed while $step: nothing half kept, cleared on start, uploaded again', async ({ step, before, file }) => {
    const server = await serverStoppingAt(dataDir, step);
    const exited = once(server.child, 'exit');
    upload(`${server.url}/agreements/${agreementId}/documents/${sha256Of(file)}`, uploaderToken, file);
    await waitUntil(() => server.output().includes(`crash point reached: ${step}`) || server.child.exitCode !== null, `the upload to reach ${step}`, 60_000);
    server.child.kill('SIGKILL');
    await exited;

    // What the crash left: the upload in a temporary file (part of it, or all of it), or whole in its place.
    const leftovers = readdirSync(incoming);
    if (before === 'rename') {
      expect(leftovers).toHaveLength(1);
      const size = statSync(join(incoming, leftovers[0])).size;
      if (step === 'writing') expect(size).toBeLessThanOrEqual(file.length); // killed while writing: its last write may have reached the disk, never the rename
      else expect(size).toBe(file.length);
      expect(existsSync(kept(file))).toBe(false);
    } else {
      expect(leftovers).toEqual([]);
      expect(sha256Of(readFileSync(kept(file)))).toBe(sha256Of(file));
    }

    const app = await TestApp.start({ dataDir, now: NOW });
    try {
      expect(readdirSync(incoming)).toEqual([]);
      const listed = (await app.as(bengkuluCoordinator).get(`/agreements/${agreementId}/documents`).expect(200)).body as { sha256: string; state: string; kept?: unknown }[];
      const document = listed.find((entry) => entry.sha256 === sha256Of(file));
      // Never a half file: either nothing (no answer was given, nobody counts it) or the whole bytes, matching.
      expect(document?.state).toBe(before === 'rename' ? 'not-uploaded' : 'kept');
      expect(document?.kept).toBeUndefined();
      if (before === 'rename') await app.as(bengkuluCoordinator).get(`/agreements/${agreementId}/documents/${sha256Of(file)}`).expect(404);

      await app.as(bantenCoordinator).put(`/agreements/${agreementId}/documents/${sha256Of(file)}`).set('Content-Type', 'application/octet-stream').send(file).expect(201);
      const downloaded = await app
        .as(bengkuluCoordinator)
        .get(`/agreements/${agreementId}/documents/${sha256Of(file)}`)
        .buffer(true)
        .parse((response, done) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () => done(null, Buffer.concat(chunks)));
        })
        .expect(200);
      expect(sha256Of(downloaded.body as Buffer)).toBe(sha256Of(file));
      const relisted = (await app.as(bengkuluCoordinator).get(`/agreements/${agreementId}/documents`).expect(200)).body as { sha256: string; state: string; kept?: unknown }[];
      expect(relisted.find((entry) => entry.sha256 === sha256Of(file))).toMatchObject({ state: 'kept', kept: { size: file.length } });
    } finally {
      await app.close();
    }
  }, 180_000);
});
