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
import { type CheckedRegister, ReadingThreads, RegisterReading } from './register-reading';
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
      const paths = { commandBus: this.commandBus, store: this.store, decider: this.decider };
      return await new ImportRun(paths, request, await reading.checked(), this.clock.now()).through(reading);
    } finally {
      await reading.close();
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.threads.close();
  }
}

/** What an import writes through, and decides a dry run on. */
interface ImportPaths {
  commandBus: CommandBus;
  store: EventStore;
  decider: Decider<AgreementState, CommandOfActor, AgreementEvent>;
}

/**
 * One import, from its first row to its report. Its steps are methods rather than closures made anew for each import:
 * the compiled code of one import then serves the next (code compiled around one import's closures was thrown away at
 * the next, whose closures are other functions, and compiled again while it ran).
 */
class ImportRun {
  private readonly report: ImportReport;
  private readonly occurredAt: string;
  private lastRefused = 0;
  private done = 0;
  /** The rows sent and not yet settled, and the sender waiting for one of them to settle. */
  private readonly inFlight = new Set<Promise<void>>();
  private slotFreed: (() => void) | undefined;
  /** The KSB rows being written, by agreement; the PKS rows waiting for theirs, and those whose KSB is written. */
  private readonly writing = new Map<string, Promise<void>>();
  private readonly waiting = new Set<Promise<void>>();
  private readonly deferred: ImportRow[] = [];
  /**
   * Rows ready to be sent wait for a batch: sent together, their appends make up whole group commits, as the raw
   * ceiling's do, rather than groups cut wherever the file's chunks end.
   */
  private readonly ready: ImportRow[] = [];
  /** A dry run's agreements as the rows before left them. */
  private readonly dryStates = new Map<string, AgreementState>();
  /** Whose register the file is: named by the request, or found from the rows (held until it is). */
  private importing: string | undefined;
  private actor: Actor;
  private readonly held: ImportRow[] = [];
  private common: string[] | undefined;
  /**
   * Each row read, by what identifies it: a KSB by its agreement (the row negative when the KSB is refused), a PKS by
   * its key. A KSB's agreement follows from its key, and is what a PKS names.
   */
  private readonly rowOf = new Map<string, number>();
  /** A PKS whose KSB is neither in the rows before it nor in Sinergi waits for the end of the file. */
  private readonly laterPks: ImportRow[] = [];

  constructor(
    private readonly paths: ImportPaths,
    private readonly request: ImportRequest,
    private readonly checked: CheckedRegister,
    now: Date,
  ) {
    this.report = {
      fileName: request.fileName,
      fileSha256: checked.fileSha256,
      dryRun: request.dryRun,
      rows: 0,
      imported: { ksb: 0, pks: 0 },
      alreadyRecorded: [],
      rowsWithProblems: 0,
      problems: [],
      problemsLeftOut: 0,
    };
    this.occurredAt = now.toISOString();
    this.importing = request.region;
    this.actor = request.actor;
  }

  async through(reading: RegisterReading): Promise<ImportReport> {
    const report = this.report;
    for await (const { parsed, problems } of reading.rows()) {
      report.rows++;
      for (const problem of problems) this.refuse(problem);
      if (!parsed) {
        this.progressed();
        continue;
      }
      if (this.importing) {
        await this.take(parsed);
        continue;
      }
      this.held.push(parsed);
      this.common = this.common ? this.common.filter((party) => parsed.parties.includes(party)) : [...parsed.parties];
      if (this.common.length === 0) throw regionUnknown();
      if (this.common.length === 1) await this.found(this.common[0]);
    }
    if (report.rows === 0) {
      throw new ImportFileRejected('EmptyFile', 'Berkas hanya berisi judul kolom, tanpa baris data. Isi satu baris per KSB atau PKS di bawahnya.');
    }
    // A register that lists one partner only: whose it is, is the region that is Pihak Pertama on every row.
    if (!this.importing && this.held.length > 0) await this.found(firstPartyOfEveryRow(this.held));
    for (const parsed of this.laterPks) {
      const ksbRow = this.rowOf.get(parsed.agreementId);
      if (ksbRow !== undefined && ksbRow < 0) {
        this.refuse(ksbRowRefused(parsed.row, -ksbRow));
        this.progressed();
      } else if (ksbRow !== undefined) await this.queue(parsed);
      else {
        this.refuse(rowProblemFor(parsed.row, 'AgreementNotFound'));
        this.progressed();
      }
    }
    await this.flush();
    while (this.inFlight.size > 0 || this.deferred.length > 0) {
      await Promise.all([...this.inFlight, ...this.waiting]);
      await this.flush();
    }
    report.problems.sort((a, b) => a.row - b.row);
    report.alreadyRecorded.sort((a, b) => a - b);
    return report;
  }

  private refuse(problem: RowProblem): void {
    const report = this.report;
    if (problem.row !== this.lastRefused) report.rowsWithProblems++;
    this.lastRefused = problem.row;
    if (report.problems.length < REPORTED_PROBLEMS) report.problems.push(problem);
    else report.problemsLeftOut++;
  }

  private progressed(): void {
    this.request.onProgress?.(++this.done, Math.max(this.checked.rowsEstimate, this.report.rows));
  }

  /** The region whose register the file is, found: the rows held until then are taken. */
  private async found(region: string): Promise<void> {
    this.importing = region;
    // An operator on the command line acts for the region whose register the file is.
    if (!this.actor.region) this.actor = { ...this.actor, region };
    for (const parsed of this.held.splice(0)) await this.take(parsed);
  }

  /** A row checked against the rows before it: refused, queued, or (a PKS whose KSB is yet to come) kept for the end. */
  private async take(parsed: ImportRow): Promise<void> {
    const identity = parsed.kind === 'KSB' ? parsed.agreementId : parsed.key;
    const first = this.rowOf.get(identity);
    if (first !== undefined) {
      this.refuse({ row: parsed.row, rule: 'DuplicateRow', message: `Baris ini sama dengan baris ${Math.abs(first)} (nomor naskah para pihak sama). Hapus salah satunya.` });
      return this.progressed();
    }
    const aParty = parsed.parties.includes(this.importing as string);
    this.rowOf.set(identity, aParty || parsed.kind === 'PKS' ? parsed.row : -parsed.row);
    if (!aParty) {
      this.refuse(rowProblemFor(parsed.row, 'RegionNotAParty'));
      return this.progressed();
    }
    if (parsed.kind === 'KSB') return this.queue(parsed);
    const ksbRow = this.rowOf.get(parsed.agreementId);
    if (ksbRow !== undefined && ksbRow < 0) {
      this.refuse(ksbRowRefused(parsed.row, -ksbRow));
      return this.progressed();
    }
    if (ksbRow !== undefined || (await this.isRecorded(parsed.agreementId))) return this.queue(parsed);
    this.laterPks.push(parsed);
  }

  private async queue(parsed: ImportRow): Promise<void> {
    this.ready.push(parsed);
    if (this.ready.length >= IN_FLIGHT) await this.flush();
  }

  private async flush(): Promise<void> {
    for (const parsed of [...this.deferred.splice(0), ...this.ready.splice(0)]) await this.send(parsed);
  }

  /** Decides a row (a dry run), or sends it to the command path, once a slot is free among the rows in flight. */
  private async send(parsed: ImportRow): Promise<void> {
    if (this.request.dryRun) {
      await this.settle(parsed, this.decideDry(parsed));
      this.progressed();
      return;
    }
    // A PKS whose KSB is still being written waits for it here, not in the command path: the rows in flight are
    // then all ready to append, and each group commit is whole.
    const ksb = parsed.kind === 'PKS' ? this.writing.get(parsed.agreementId) : undefined;
    if (ksb) {
      const written: Promise<void> = ksb.then(() => {
        this.deferred.push(parsed);
        this.waiting.delete(written);
      });
      this.waiting.add(written);
      return;
    }
    const outcome = this.paths.commandBus.execute(
      new ExecuteAgreementCommand(parsed.agreementId, parsed.command, {
        actor: this.actor,
        occurredAt: this.occurredAt,
        correlationId: this.checked.fileSha256,
        causationId: randomUUID(),
        bulk: true,
      }),
    );
    const settled: Promise<void> = this.settle(parsed, outcome).then(() => {
      this.inFlight.delete(settled);
      if (this.writing.get(parsed.agreementId) === settled) this.writing.delete(parsed.agreementId);
      this.progressed();
      this.slotFreed?.();
    });
    this.inFlight.add(settled);
    if (parsed.kind === 'KSB') this.writing.set(parsed.agreementId, settled);
    // One waiter for a free slot (not a race over every row in flight, which would attach to each of them again).
    if (this.inFlight.size >= IN_FLIGHT) await new Promise<void>((resolve) => (this.slotFreed = resolve));
  }

  private settle(row: ImportRow, outcome: Promise<unknown>): Promise<void> {
    return outcome.then(
      () => {
        this.report.imported[row.kind === 'KSB' ? 'ksb' : 'pks'] += 1;
      },
      (error: unknown) => {
        if (error instanceof Error && 'code' in error && ALREADY_RECORDED.has(String(error.code))) this.report.alreadyRecorded.push(row.row);
        else this.refuse(rowProblemOf(row.row, error));
      },
    );
  }

  private async isRecorded(agreementId: string): Promise<boolean> {
    return (await this.paths.store.readStream(agreementStreamId(agreementId), { toRevision: 0 })).length > 0;
  }

  /** Decides a row on the agreement as the store has it, or as the rows before it in the file left it, writing nothing. */
  private async decideDry(row: ImportRow): Promise<void> {
    const { store, decider } = this.paths;
    const command: CommandOfActor = { actor: this.actor, command: row.command, occurredAt: this.occurredAt };
    const state = this.dryStates.get(row.agreementId) ?? foldHistory(decider, await store.readStream(agreementStreamId(row.agreementId)));
    this.dryStates.set(row.agreementId, decider.decide(command, state).reduce(decider.evolve, state));
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
