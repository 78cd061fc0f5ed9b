import { createHash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { authorizeCommand } from '../access/agreement-access';
import { ExecuteAgreementCommand } from '../agreements/application/agreement.commands';
import type { AgreementCommand } from '../agreements/domain/agreement.commands';
import { agreementDecider, agreementStreamId } from '../agreements/domain/agreement.decider';
import type { AgreementState } from '../agreements/domain/agreement.state';
import { dateInRegion } from '../agreements/domain/dates';
import { RegionPolicies } from '../regions/region-policies.port';
import { Clock } from '../core/clock.port';
import { foldHistory } from '../core/command-processor';
import type { Actor } from '../core/event';
import { EventStore } from '../core/event-store.port';
import { RegionDirectory } from '../regions/region-directory';
import { RegionNames } from '../regions/region-names';
import { type ImportRow, type RowProblem, readImportRow } from './import-rows';
import { ALREADY_RECORDED, rowProblemFor, rowProblemOf } from './import-messages';
import { DEFAULT_LIMITS, ImportFileRejected, type SpreadsheetLimits, checkSpreadsheet, readRows } from './spreadsheet';

export interface ImportRequest {
  content: Buffer;
  fileName: string;
  /** Check every row and report, writing nothing. */
  dryRun: boolean;
  actor: Actor;
  /**
   * The importing office's region: every row must have it as a party. Left out (on the command line), it is the
   * one region that is a party to every row.
   */
  region?: string;
  /** Called as rows are done: for progress bars and lines. */
  onProgress?: (done: number, total: number) => void;
}

export interface ImportReport {
  fileName: string;
  fileSha256: string;
  dryRun: boolean;
  /** Data rows read (the header row aside). */
  rows: number;
  /** Rows written (a dry run: rows that would be). */
  imported: { ksb: number; pks: number };
  /** Rows already in Sinergi (the same parties' document numbers): skipped, never written twice. */
  alreadyRecorded: number[];
  problems: RowProblem[];
}

/** Rows sent to the command path at once: their appends share the store's group commits. */
const IN_FLIGHT = 64;

/**
 * Brings in the agreements an office already has, from a spreadsheet, through the agreement's own command path
 * (the same rules, access checks and events as any command). A first pass reads every row and finds what is
 * wrong with it alone or with the file (duplicates, a PKS whose KSB is missing, a region that is not a party); a
 * second pass decides every valid row, and writes it unless this is a dry run. The file is read as a stream in
 * both passes: only each row's key is kept.
 */
@Injectable()
export class AgreementImporter {
  private readonly names: RegionNames;

  constructor(
    private readonly commandBus: CommandBus,
    private readonly store: EventStore,
    private readonly clock: Clock,
    regions: RegionDirectory,
    private readonly policies: RegionPolicies,
  ) {
    this.names = new RegionNames(regions);
  }

  async run(request: ImportRequest, limits: SpreadsheetLimits = DEFAULT_LIMITS): Promise<ImportReport> {
    const format = await checkSpreadsheet(request.content, limits);
    const fileSha256 = createHash('sha256').update(request.content).digest('hex');
    const source = (row: number) => ({ kind: 'spreadsheet' as const, fileName: request.fileName, fileSha256, row });
    const rowsOf = async function* (names: RegionNames) {
      for await (const sheetRow of readRows(request.content, format)) yield readImportRow(sheetRow, names, source);
    };

    const checked = await this.checkRows(rowsOf(this.names), request.region);
    const report: ImportReport = {
      fileName: request.fileName,
      fileSha256,
      dryRun: request.dryRun,
      rows: checked.rows,
      imported: { ksb: 0, pks: 0 },
      alreadyRecorded: [],
      problems: checked.problems,
    };
    // An operator on the command line acts for the region whose register the file is.
    const actor = request.actor.region ? request.actor : { ...request.actor, region: checked.region };
    const valid = checked.rows - new Set(checked.problems.map((p) => p.row)).size;
    const now = this.clock.now();
    // The dry run decides as the command path will: on the importing region's day, under its policy.
    const decision = { today: dateInRegion(now, checked.region), policy: this.policies.agreementPolicyOf(checked.region) };
    const dryStates = new Map<string, AgreementState>();
    const inFlight = new Set<Promise<void>>();
    // A PKS row is sent once the row before it on the same agreement (its KSB) has been decided.
    const lastOnAgreement = new Map<string, Promise<void>>();
    let done = 0;
    const settle = (row: ImportRow, outcome: Promise<unknown>): Promise<void> =>
      outcome.then(
        () => {
          report.imported[row.kind === 'KSB' ? 'ksb' : 'pks'] += 1;
        },
        (error: unknown) => {
          if (error instanceof Error && 'code' in error && ALREADY_RECORDED.has(String(error.code))) report.alreadyRecorded.push(row.row);
          else report.problems.push(rowProblemOf(row.row, error));
        },
      );

    // A PKS row is sent after its KSB's: chained to it when the KSB came earlier in the file, kept for the end when
    // it comes later (the only rows held in memory).
    const laterPks: ImportRow[] = [];
    const decide = async (parsed: ImportRow): Promise<void> => {
      if (request.dryRun) {
        await settle(parsed, this.decideDry(parsed, actor, decision, dryStates));
        request.onProgress?.(++done, valid);
        return;
      }
      const send = () =>
        this.commandBus.execute(
          new ExecuteAgreementCommand(parsed.agreementId, parsed.command, {
            actor,
            occurredAt: now.toISOString(),
            correlationId: fileSha256,
            causationId: randomUUID(),
          }),
        );
      const before = lastOnAgreement.get(parsed.agreementId);
      const settled: Promise<void> = settle(parsed, before ? before.then(send) : send()).then(() => {
        inFlight.delete(settled);
        if (lastOnAgreement.get(parsed.agreementId) === settled) lastOnAgreement.delete(parsed.agreementId);
        request.onProgress?.(++done, valid);
      });
      lastOnAgreement.set(parsed.agreementId, settled);
      inFlight.add(settled);
      if (inFlight.size >= IN_FLIGHT) await Promise.race(inFlight);
    };
    for await (const { parsed } of rowsOf(this.names)) {
      if (!parsed || checked.refused.has(parsed.row)) continue;
      const ksbRow = checked.ksbRowOf.get(parsed.agreementId);
      if (parsed.kind === 'PKS' && ksbRow !== undefined && ksbRow > parsed.row) laterPks.push(parsed);
      else await decide(parsed);
    }
    await Promise.all(inFlight);
    for (const parsed of laterPks) await decide(parsed);
    await Promise.all(inFlight);
    report.problems.sort((a, b) => a.row - b.row);
    report.alreadyRecorded.sort((a, b) => a - b);
    return report;
  }

  /** The first pass: every row's own problems, duplicates, PKS without their KSB, rows of other regions. */
  private async checkRows(rows: AsyncIterable<{ parsed?: ImportRow; problems: RowProblem[] }>, region: string | undefined) {
    const problems: RowProblem[] = [];
    const refused = new Set<number>();
    const firstRowOf = new Map<string, number>();
    const ksbRows = new Map<string, { row: number; valid: boolean }>();
    const pksRows: Pick<ImportRow, 'row' | 'agreementId'>[] = [];
    const partiesOf: Pick<ImportRow, 'row' | 'parties'>[] = [];
    let count = 0;
    const refuse = (problem: RowProblem) => {
      problems.push(problem);
      refused.add(problem.row);
    };
    for await (const { parsed, problems: own } of rows) {
      count++;
      own.forEach(refuse);
      if (!parsed) continue;
      const first = firstRowOf.get(parsed.key);
      if (first !== undefined) {
        refuse({ row: parsed.row, rule: 'DuplicateRow', message: `Baris ini sama dengan baris ${first} (nomor naskah para pihak sama). Hapus salah satunya.` });
      } else firstRowOf.set(parsed.key, parsed.row);
      partiesOf.push({ row: parsed.row, parties: parsed.parties });
      if (parsed.kind === 'KSB' && !ksbRows.has(parsed.agreementId)) ksbRows.set(parsed.agreementId, { row: parsed.row, valid: !refused.has(parsed.row) });
      if (parsed.kind === 'PKS') pksRows.push({ row: parsed.row, agreementId: parsed.agreementId });
    }
    if (count === 0) {
      throw new ImportFileRejected('EmptyFile', 'Berkas hanya berisi judul kolom, tanpa baris data. Isi satu baris per KSB atau PKS di bawahnya.');
    }
    const importing = region ?? commonParty(partiesOf.map((p) => p.parties));
    for (const { row, parties } of partiesOf) if (!parties.includes(importing)) refuse(rowProblemFor(row, 'RegionNotAParty'));
    for (const pks of pksRows) {
      if (refused.has(pks.row)) continue;
      const ksb = ksbRows.get(pks.agreementId);
      if (ksb && !ksb.valid) {
        refuse({ row: pks.row, column: 'Nomor KSB Pihak Pertama', rule: 'KsbRowRefused', message: `KSB induknya (baris ${ksb.row}) bermasalah. Perbaiki baris itu terlebih dahulu.` });
      } else if (!ksb && (await this.store.readStream(agreementStreamId(pks.agreementId), { toRevision: 0 })).length === 0) {
        refuse(rowProblemFor(pks.row, 'AgreementNotFound'));
      }
    }
    const ksbRowOf = new Map([...ksbRows].map(([agreementId, { row }]) => [agreementId, row]));
    return { rows: count, problems, refused, region: importing, ksbRowOf };
  }

  /** Decides a row on the agreement as the store has it, or as the rows before it in the file left it, writing nothing. */
  private async decideDry(
    row: ImportRow,
    actor: Actor,
    decision: AgreementCommand['context'],
    states: Map<string, AgreementState>,
  ): Promise<void> {
    const state = states.get(row.agreementId) ?? foldHistory(agreementDecider, await this.store.readStream(agreementStreamId(row.agreementId)));
    const command = { ...row.command, context: decision } as AgreementCommand;
    authorizeCommand(actor, command, state);
    const events = agreementDecider.decide(command, state);
    states.set(row.agreementId, events.reduce(agreementDecider.evolve, state));
  }
}


/**
 * Whose register the file is: the one region that is a party to every row, or, when a register lists one partner
 * only, the one that is Pihak Pertama on every row.
 */
function commonParty(rows: string[][]): string {
  const common = rows.reduce<string[] | undefined>((shared, parties) => (shared ? shared.filter((p) => parties.includes(p)) : parties), undefined) ?? [];
  const firstEverywhere = common.filter((region) => rows.every((parties) => parties[0] === region));
  const found = common.length === 1 ? common : firstEverywhere;
  if (found.length !== 1) {
    throw new ImportFileRejected('ImportingRegionUnknown', 'Tidak ada satu daerah yang menjadi pihak pada setiap baris. Sebutkan daerah pengimpor (--region KODE).');
  }
  return found[0];
}
