import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

jest.setTimeout(120_000);

/** `sinergi …` in a process of its own, on a data directory of the test's; its exit code and what it printed. */
function sinergi(dataDir: string, ...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--require', join(__dirname, '../support/swc-register.js'), join(__dirname, '../../src/cli.ts'), ...args], {
      env: { ...process.env, SINERGI_DATA_DIR: dataDir, SINERGI_PROJECTOR: 'external', REDIS_URL: '' },
      cwd: dataDir,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('npx sinergi import', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sinergi-import-cli-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  const template = join(dataDir, 'templat.csv');

  it('writes the template, which a dry run checks row by row, writing nothing, with a progress line', async () => {
    expect((await sinergi(dataDir, 'import', '--template', '--format', 'csv', '--out', template)).stdout).toContain(`Templat ditulis ke ${template}`);
    const dry = await sinergi(dataDir, 'import', template, '--dry-run');
    expect(dry.status).toBe(0);
    expect(dry.stdout).toContain('2 baris: 1 KSB dan 1 PKS dapat diimpor, 0 sudah tercatat, 0 bermasalah.');
    expect(dry.stdout).toContain('Uji coba: tidak ada yang ditulis.');
    expect(dry.stderr).toMatch(/memeriksa: 2 baris/);
  });

  it('imports it, as the operator for the one region party to every row, and imports nothing twice', async () => {
    const run = await sinergi(dataDir, 'import', template);
    expect([run.status, run.stdout]).toEqual([0, expect.stringContaining('1 KSB dan 1 PKS diimpor, 0 sudah tercatat')]);
    const again = await sinergi(dataDir, 'import', template);
    expect(again.stdout).toContain('0 KSB dan 0 PKS diimpor, 2 sudah tercatat');
  });

  it('says why a file is refused, and exits 1', async () => {
    const refused = await sinergi(dataDir, 'import', join(__dirname, '../../README.md'));
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('Berkas ditolak (MissingColumns)');
  });
});
