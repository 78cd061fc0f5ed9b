import { writeFileSync } from 'node:fs';
import type { INestApplicationContext } from '@nestjs/common';
import { parseArgs } from 'node:util';
import { UsageError, requiredOption } from '../cli-usage';
import { EventStore } from '../core/event-store.port';
import { ProjectionsStatus } from '../read-models/projector/projections-status';
import { RegionDirectory } from '../regions/domain/region-directory';
import { SemesterReports } from './application/semester-reports';
import { REPORT_FORMATS, type ReportFormat, renderReport } from './http/reports.controller';
import { ReportRenderThread } from './render/render-thread';

export const REPORT_USAGE = 'report semester --region CODE --year YYYY --semester 1|2 --out FILE.pdf|FILE.xlsx';

/**
 * `sinergi report semester ...` makes the report from the data of SINERGI_DATA_DIR (or SINERGI_EVENT_STORE), as the
 * API does, once the read models have caught up with the log; the format follows the file's extension.
 */
export async function runReportCommand(args: readonly string[], openApp: () => Promise<INestApplicationContext>): Promise<number> {
  const [kind, ...rest] = args;
  if (kind !== 'semester') throw new UsageError(`usage: sinergi ${REPORT_USAGE}`);
  const { values } = parseArgs({
    args: rest,
    options: { region: { type: 'string' }, year: { type: 'string' }, semester: { type: 'string' }, out: { type: 'string' } },
    strict: true,
  });
  const region = requiredOption(values.region, 'region');
  const year = Number(requiredOption(values.year, 'year'));
  const semester = Number(requiredOption(values.semester, 'semester'));
  const out = requiredOption(values.out, 'out');
  const format = out.slice(out.lastIndexOf('.') + 1) as ReportFormat;
  if (!Number.isInteger(year) || year < 2000 || year > 2100) throw new UsageError('--year must be a year such as 2026');
  if (semester !== 1 && semester !== 2) throw new UsageError('--semester must be 1 or 2');
  if (!REPORT_FORMATS.includes(format)) throw new UsageError(`--out must end in .${REPORT_FORMATS.join(', .')}`);
  const app = await openApp();
  try {
    if (!app.get(RegionDirectory).find(region)) throw new UsageError(`${region} is not an official Kemendagri region code`);
    await app.get(ProjectionsStatus).caughtUp(await app.get(EventStore).headPosition(), 60_000);
    const report = await app.get(SemesterReports).report(region, { year, semester });
    writeFileSync(out, await renderReport(app.get(ReportRenderThread), report, format));
    console.log(`${out}: semester ${semester} ${year} of ${region}, as of ${report.asOf}, from log position ${report.source.position} (seal ${report.source.seal})`);
    return 0;
  } finally {
    await app.close();
  }
}
