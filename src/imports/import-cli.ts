import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { basename } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { AppModule } from '../app.module';
import { parseArgs } from 'node:util';
import { UsageError } from '../cli-usage';
import { startProgress } from '../progress';
import { AgreementImporter, type ImportReport } from './agreement-importer';
import { ImportLimits } from './import-limits';
import { templateCsv, templateXlsx } from './import-template';
import { ImportFileRejected } from './spreadsheet';

export const IMPORT_USAGE = [
  'import FILE [--dry-run] [--region CODE]   # XLSX or CSV; --dry-run checks every row and writes nothing',
  'import --template [--format xlsx|csv] [--out FILE]',
];

/**
 * `sinergi import`: the same import as `POST /imports`, recorded as the deployment's operator (the admin role, the
 * operating system's user name). Exit code 1 when the file is refused or a row has a problem.
 */
export async function runImportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { 'dry-run': { type: 'boolean' }, template: { type: 'boolean' }, format: { type: 'string' }, out: { type: 'string' }, region: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.template) return writeTemplate(values.format ?? 'xlsx', values.out);
  const [file] = positionals;
  if (!file) throw new UsageError(`usage: sinergi ${IMPORT_USAGE[0]}`);
  const limits = ImportLimits.fromEnv();
  if (statSync(file).size > limits.maxBytes) {
    console.error(`Berkas ${file} melebihi batas ${limits.maxBytes / 1024 / 1024} MB (SINERGI_IMPORT_MAX_MB). Bagi data ke beberapa berkas.`);
    return 1;
  }
  const app = await NestFactory.createApplicationContext(AppModule, { logger: ['error', 'warn'] });
  try {
    const dryRun = values['dry-run'] === true;
    const progress = startProgress(dryRun ? 'memeriksa' : 'mengimpor', { unit: 'baris', language: 'id' });
    const report = await app.get(AgreementImporter).run(
      {
        content: readFileSync(file),
        fileName: basename(file),
        dryRun,
        actor: { userId: `cli:${userInfo().username}`, role: 'admin', region: values.region ?? '' },
        ...(values.region ? { region: values.region } : {}),
        onProgress: (done, total) => progress.update(done, total),
      },
      limits,
    );
    progress.finish();
    printReport(report);
    return report.rowsWithProblems === 0 ? 0 : 1;
  } catch (error) {
    if (!(error instanceof ImportFileRejected)) throw error;
    console.error(`Berkas ditolak (${error.rule}): ${error.message}`);
    return 1;
  } finally {
    await app.close();
  }
}

async function writeTemplate(format: string, out: string | undefined): Promise<number> {
  if (format !== 'xlsx' && format !== 'csv') throw new UsageError('--format must be xlsx or csv');
  const target = out ?? `templat-impor-kerja-sama.${format}`;
  writeFileSync(target, format === 'csv' ? templateCsv() : await templateXlsx());
  console.log(`Templat ditulis ke ${target}`);
  return 0;
}

function printReport(report: ImportReport): void {
  const { rows, imported, alreadyRecorded, rowsWithProblems, problems, problemsLeftOut, dryRun } = report;
  const verb = dryRun ? 'dapat diimpor' : 'diimpor';
  console.log(`${report.fileName} (SHA-256 ${report.fileSha256})`);
  console.log(`${rows} baris: ${imported.ksb} KSB dan ${imported.pks} PKS ${verb}, ${alreadyRecorded.length} sudah tercatat, ${rowsWithProblems} bermasalah.`);
  for (const p of problems) console.log(`  baris ${p.row}${p.column ? `, kolom "${p.column}"` : ''} [${p.rule}]: ${p.message}`);
  if (problemsLeftOut > 0) console.log(`  ... dan ${problemsLeftOut} masalah lain. Perbaiki yang di atas, lalu periksa ulang berkasnya.`);
  if (dryRun) console.log('Uji coba: tidak ada yang ditulis.');
}
