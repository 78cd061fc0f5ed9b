import { randomUUID } from 'node:crypto';
import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { actingAgreementDecider, type CommandOfActor, ExecuteAgreementCommand } from '../agreements/application/agreement.commands';
import { agreementStreamId } from '../agreements/domain/agreement.decider';
import type { AgreementEvent } from '../agreements/domain/agreement.events';
import type { AgreementState } from '../agreements/domain/agreement.state';
import type { Decider } from '../core/decider';
import { RegionPolicies } from '../regions/region-policies.port';
import { Clock } from '../core/clock.port';
import { foldHistory } from '../core/command-processor';
import type { Actor } from '../core/event';
import { EventStore } from '../core/event-store.port';
import type { ImportRow, RowProblem } from './import-rows';
import { ALREADY_RECORDED, rowProblemFor, rowProblemOf } from './import-messages';
import { ReadingThreads, RegisterReading } from './register-reading';
import { DEFAULT_LIMITS, ImportFileRejected, type SpreadsheetLimits } from './spreadsheet';

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
  /** Rows with at least one problem. */
  rowsWithProblems: number;
  /** The problems of the first rows, by row, at most `REPORTED_PROBLEMS`: a file of thousands of bad rows is fixed from the top. */
  problems: RowProblem[];
  /** Problems found past that limit, counted only. */
  problemsLeftOut: number;
}

/** Rows sent to the command path at once: their appends share the store's group commits. */
const IN_FLIGHT = 64;
/** Problems listed in a report; the rest are counted. */
export const REPORTED_PROBLEMS = 1_000;

/**
 * Brings in the agreements an office already has, from a spreadsheet, through the agreement's own command path
 * (the same rules, access checks and events as any command). The file is read once, as a stream, on a thread of
 * its own (RegisterReading) while the rows before are decided and written here: each row is checked alone there,
 * and here against the rows before it (duplicates, a PKS whose KSB is missing or refused, a region that
 * is not a party), then decided, and written unless this is a dry run, `IN_FLIGHT` rows at a time. What is kept
 * while reading is one number per row (under what identifies the row); the report lists the first problems and counts
 * the rest.
 */
@Injectable()
export class AgreementImporter implements OnApplicationShutdown {
  /** The dry run decides each row as the command path will, writing nothing. */
  private readonly decider: Decider<AgreementState, CommandOfActor, AgreementEvent>;
  private readonly threads = new ReadingThreads();

  constructor(
    private readonly commandBus: CommandBus,
    private readonly store: EventStore,
    private readonly clock: Clock,
    policies: RegionPolicies,
  ) {
    this.decider = actingAgreementDecider(policies);
  }

  async run(request: ImportRequest, limits: SpreadsheetLimits = DEFAULT_LIMITS): Promise<ImportReport> {
    const reading = new RegisterReading({ content: request.content, fileName: request.fileName, limits }, this.threads);
    try {
      return await this.runReading(request, reading);
    } finally {
      await reading.close();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.threads.close();
  }

  private async runReading(request: ImportRequest, reading: RegisterReading): Promise<ImportReport> {
    const { rowsEstimate, fileSha256 } = await reading.checked();
    const report: ImportReport = {
      fileName: request.fileName,
      fileSha256,
      dryRun: request.dryRun,
      rows: 0,
      imported: { ksb: 0, pks: 0 },
      alreadyRecorded: [],
      rowsWithProblems: 0,
      problems: [],
      problemsLeftOut: 0,
    };
    let lastRefused = 0;
    const refuse = (problem: RowProblem) => {
      if (problem.row !== lastRefused) report.rowsWithProblems++;
      lastRefused = problem.row;
      if (report.problems.length < REPORTED_PROBLEMS) report.problems.push(problem);
      else report.problemsLeftOut++;
    };
    const now = this.clock.now();
    // The rows sent and not yet settled, and the sender waiting for one of them to settle.
    const inFlight = new Set<Promise<void>>();
    let slotFreed: (() => void) | undefined;
    // The KSB rows being written, by agreement; the PKS rows waiting for theirs, and those whose KSB is written.
    const writing = new Map<string, Promise<void>>();
    const waiting = new Set<Promise<void>>();
    const deferred: ImportRow[] = [];
    const dryStates = new Map<string, AgreementState>();
    let done = 0;
    const progressed = () => request.onProgress?.(++done, Math.max(rowsEstimate, report.rows));
    const settle = (row: ImportRow, outcome: Promise<unknown>): Promise<void> =>
      outcome.then(
        () => {
          report.imported[row.kind === 'KSB' ? 'ksb' : 'pks'] += 1;
        },
        (error: unknown) => {
          if (error instanceof Error && 'code' in error && ALREADY_RECORDED.has(String(error.code))) report.alreadyRecorded.push(row.row);
          else refuse(rowProblemOf(row.row, error));
        },
      );

    // Whose register the file is: named by the request, or found from the rows (held until it is).
    let importing = request.region;
    let actor = request.actor;
    const held: ImportRow[] = [];
    let common: string[] | undefined;

    const send = async (parsed: ImportRow): Promise<void> => {
      if (request.dryRun) {
        await settle(parsed, this.decideDry(parsed, { actor, command: parsed.command, occurredAt: now.toISOString() }, dryStates));
        progressed();
        return;
      }
      // A PKS whose KSB is still being written waits for it here, not in the command path: the rows in flight are
      // then all ready to append, and each group commit is whole.
      const ksb = parsed.kind === 'PKS' ? writing.get(parsed.agreementId) : undefined;
      if (ksb) {
        const written: Promise<void> = ksb.then(() => {
          deferred.push(parsed);
          waiting.delete(written);
        });
        waiting.add(written);
        return;
      }
      const outcome = this.commandBus.execute(
        new ExecuteAgreementCommand(parsed.agreementId, parsed.command, {
          actor,
          occurredAt: now.toISOString(),
          correlationId: fileSha256,
          causationId: randomUUID(),
          bulk: true,
        }),
      );
      const settled: Promise<void> = settle(parsed, outcome).then(() => {
        inFlight.delete(settled);
        if (writing.get(parsed.agreementId) === settled) writing.delete(parsed.agreementId);
        progressed();
        slotFreed?.();
      });
      inFlight.add(settled);
      if (parsed.kind === 'KSB') writing.set(parsed.agreementId, settled);
      // One waiter for a free slot (not a race over every row in flight, which would attach to each of them again).
      if (inFlight.size >= IN_FLIGHT) await new Promise<void>((resolve) => (slotFreed = resolve));
    };

    // Rows ready to be sent wait for a batch: sent together, their appends make up whole group commits, as the raw
    // ceiling's do, rather than groups cut wherever the file's chunks end.
    const ready: ImportRow[] = [];
    const flush = async () => {
      for (const parsed of [...deferred.splice(0), ...ready.splice(0)]) await send(parsed);
    };
    const queue = async (parsed: ImportRow) => {
      ready.push(parsed);
      if (ready.length >= IN_FLIGHT) await flush();
    };

    // Each row read, by what identifies it: a KSB by its agreement (the row negative when the KSB is refused), a PKS by
    // its key. A KSB's agreement follows from its key, and is what a PKS names.
    const rowOf = new Map<string, number>();
    // A PKS whose KSB is neither in the rows before it nor in Sinergi waits for the end of the file.
    const laterPks: ImportRow[] = [];
    const take = async (parsed: ImportRow): Promise<void> => {
      const identity = parsed.kind === 'KSB' ? parsed.agreementId : parsed.key;
      const first = rowOf.get(identity);
      if (first !== undefined) {
        refuse({ row: parsed.row, rule: 'DuplicateRow', message: `Baris ini sama dengan baris ${Math.abs(first)} (nomor naskah para pihak sama). Hapus salah satunya.` });
        return progressed();
      }
      const aParty = parsed.parties.includes(importing as string);
      rowOf.set(identity, aParty || parsed.kind === 'PKS' ? parsed.row : -parsed.row);
      if (!aParty) {
        refuse(rowProblemFor(parsed.row, 'RegionNotAParty'));
        return progressed();
      }
      if (parsed.kind === 'KSB') return queue(parsed);
      const ksbRow = rowOf.get(parsed.agreementId);
      if (ksbRow !== undefined && ksbRow < 0) {
        refuse(ksbRowRefused(parsed.row, -ksbRow));
        return progressed();
      }
      if (ksbRow !== undefined || (await this.isRecorded(parsed.agreementId))) return queue(parsed);
      laterPks.push(parsed);
    };
    const found = async (region: string) => {
      importing = region;
      // An operator on the command line acts for the region whose register the file is.
      if (!actor.region) actor = { ...actor, region };
      for (const parsed of held.splice(0)) await take(parsed);
    };

    for await (const { parsed, problems } of reading.rows()) {
      report.rows++;
      problems.forEach(refuse);
      if (!parsed) {
        progressed();
        continue;
      }
      if (importing) {
        await take(parsed);
        continue;
      }
      held.push(parsed);
      common = common ? common.filter((party) => parsed.parties.includes(party)) : [...parsed.parties];
      if (common.length === 0) throw regionUnknown();
      if (common.length === 1) await found(common[0]);
    }
    if (report.rows === 0) {
      throw new ImportFileRejected('EmptyFile', 'Berkas hanya berisi judul kolom, tanpa baris data. Isi satu baris per KSB atau PKS di bawahnya.');
    }
    // A register that lists one partner only: whose it is, is the region that is Pihak Pertama on every row.
    if (!importing && held.length > 0) await found(firstPartyOfEveryRow(held));
    for (const parsed of laterPks) {
      const ksbRow = rowOf.get(parsed.agreementId);
      if (ksbRow !== undefined && ksbRow < 0) {
        refuse(ksbRowRefused(parsed.row, -ksbRow));
        progressed();
      } else if (ksbRow !== undefined) await queue(parsed);
      else {
        refuse(rowProblemFor(parsed.row, 'AgreementNotFound'));
        progressed();
      }
    }
    await flush();
    while (inFlight.size > 0 || deferred.length > 0) {
      await Promise.all([...inFlight, ...waiting]);
      await flush();
    }
    report.problems.sort((a, b) => a.row - b.row);
    report.alreadyRecorded.sort((a, b) => a - b);
    return report;
  }

  private async isRecorded(agreementId: string): Promise<boolean> {
    return (await this.store.readStream(agreementStreamId(agreementId), { toRevision: 0 })).length > 0;
  }

  /** Decides a row on the agreement as the store has it, or as the rows before it in the file left it, writing nothing. */
  private async decideDry(row: ImportRow, command: CommandOfActor, states: Map<string, AgreementState>): Promise<void> {
    const state = states.get(row.agreementId) ?? foldHistory(this.decider, await this.store.readStream(agreementStreamId(row.agreementId)));
    states.set(row.agreementId, this.decider.decide(command, state).reduce(this.decider.evolve, state));
  }
}

const ksbRowRefused = (row: number, ksbRow: number): RowProblem => ({
  row,
  column: 'Nomor KSB Pihak Pertama',
  rule: 'KsbRowRefused',
  message: `KSB induknya (baris ${ksbRow}) bermasalah. Perbaiki baris itu terlebih dahulu.`,
});

const regionUnknown = () =>
  new ImportFileRejected('ImportingRegionUnknown', 'Tidak ada satu daerah yang menjadi pihak pada setiap baris. Sebutkan daerah pengimpor (--region KODE).');

/** When every row names the same two parties: the one that is Pihak Pertama on every row. */
function firstPartyOfEveryRow(rows: ImportRow[]): string {
  const first = rows[0].parties[0];
  if (!rows.every((row) => row.parties[0] === first)) throw regionUnknown();
  return first;
}
