import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { authorizeRead, authorizeRegionRead } from '../agreements/application/agreement-access';
import type { Principal } from '../access/principal';
import { recordedAgreementOf } from '../agreements/domain/agreement.decider';
import { UnknownRegion } from '../agreements/domain/agreement.errors';
import type { IsoDate } from '../agreements/domain/dates';
import { Clock } from '../core/clock.port';
import type { RecordedEvent } from '../core/event';
import { EventStore } from '../core/event-store.port';
import { RegionDirectory } from '../regions/domain/region-directory';
import { AgreementListQuery } from '../read-models/queries/agreement-list.query';
import { type RegionPortfolio, RegionPortfolioQuery } from '../read-models/queries/region-portfolio.query';
import {
  type AgreementAsOf,
  type AgreementChanges,
  type AuditEntry,
  type PointInTime,
  type ReminderRecords,
  type TimeBasis,
  agreementAsOf,
  agreementChanges,
  auditEntryOf,
  readAgreementHistory,
  readReminderHistory,
  reminderRecordsOf,
} from './agreement-audit';
import { type AgreementExport, exportOf } from './audit-export';
import { type DocumentsVerification, verifyDocuments } from '../documents/document-check';
import { DocumentStore } from '../documents/document-store.port';
import { type AuditBundle, auditBundle } from './audit-bundle';
import { DatesOutOfOrder } from './audit.errors';
import { type CheckpointCheck, LogCheckpoints, verifyAgainstCheckpoint } from './log-checkpoints';
import type { VerificationResult } from './log-verifier';

export interface AuditTrail {
  agreementId: string;
  /** The agreement's own steps. */
  entries: AuditEntry[];
  /** The reminders sent about it, from their own stream. */
  reminders: ReminderRecords;
}

export interface LogVerification extends VerificationResult {
  /** Present when a seal written down earlier was given: whether the log up to `position` still has it. */
  sealCheck?: { expected: string; matches: boolean };
  /** Every document a step names, read back and hashed again: which are missing or no longer match. */
  documents?: DocumentsVerification;
  /** Present once a checkpoint was signed: whether the log still has what the latest one at or below `position` signed. */
  checkpointCheck?: CheckpointCheck;
}

/** The agreement's full history (KSB, PKS, follow-ups, visits) with who, when and why. */
export class GetAuditTrail extends Query<AuditTrail> {
  constructor(
    readonly agreementId: string,
    readonly viewer: Principal,
  ) {
    super();
  }
}

/** The agreement as it stood at a date or a revision. */
export class GetAgreementAsOf extends Query<AgreementAsOf> {
  constructor(
    readonly agreementId: string,
    readonly point: PointInTime,
    readonly viewer: Principal,
  ) {
    super();
  }
}

/** What changed in the agreement between two dates. */
export class GetAgreementChanges extends Query<AgreementChanges> {
  constructor(
    readonly agreementId: string,
    readonly from: IsoDate,
    readonly to: IsoDate,
    readonly basis: TimeBasis,
    readonly viewer: Principal,
  ) {
    super();
  }
}

/** The agreement's history and state for the record, with its hash chain checked. */
export class ExportAgreement extends Query<AgreementExport> {
  constructor(
    readonly agreementId: string,
    readonly viewer: Principal,
  ) {
    super();
  }
}

/** A region's agreements, each with its history and its hash chain checked, under the region's portfolio figures. */
export class ExportRegionPortfolio extends Query<RegionPortfolioExport> {
  constructor(
    readonly region: string,
    readonly viewer: Principal,
  ) {
    super();
  }
}

export interface RegionPortfolioExport {
  region: string;
  exportedAt: string;
  /** The read model's figures for the region, as of the export. */
  portfolio: RegionPortfolio;
  agreements: AgreementExport[];
}

/** One ZIP with the agreement's documents, its history (JSON and CSV) and the verification with the seal. */
export class GetAuditBundle extends Query<AuditBundle> {
  constructor(
    readonly agreementId: string,
    readonly viewer: Principal,
  ) {
    super();
  }
}

/** Every stream's hash chain and the global order, up to a position, optionally against a seal written down before. */
export class VerifyEventLog extends Query<LogVerification> {
  constructor(
    readonly upTo?: number,
    readonly expectedSeal?: string,
    /** Also read back every document a step names and hash it again. */
    readonly withDocuments = true,
    /** Hash every event again, not only those after the latest signed checkpoint. */
    readonly full = false,
  ) {
    super();
  }
}

async function visibleHistory(store: EventStore, agreementId: string, viewer: Principal): Promise<RecordedEvent[]> {
  const history = await readAgreementHistory(store, agreementId);
  authorizeRead(viewer, recordedAgreementOf(history));
  return history;
}

@QueryHandler(GetAuditTrail)
export class GetAuditTrailHandler implements IQueryHandler<GetAuditTrail> {
  constructor(private readonly store: EventStore) {}

  async execute({ agreementId, viewer }: GetAuditTrail): Promise<AuditTrail> {
    const history = await visibleHistory(this.store, agreementId, viewer);
    return { agreementId, entries: history.map(auditEntryOf), reminders: reminderRecordsOf(agreementId, await readReminderHistory(this.store, agreementId)) };
  }
}

@QueryHandler(GetAgreementAsOf)
export class GetAgreementAsOfHandler implements IQueryHandler<GetAgreementAsOf> {
  constructor(private readonly store: EventStore) {}

  async execute({ agreementId, point, viewer }: GetAgreementAsOf): Promise<AgreementAsOf> {
    return agreementAsOf(agreementId, await visibleHistory(this.store, agreementId, viewer), point);
  }
}

@QueryHandler(GetAgreementChanges)
export class GetAgreementChangesHandler implements IQueryHandler<GetAgreementChanges> {
  constructor(private readonly store: EventStore) {}

  async execute({ agreementId, from, to, basis, viewer }: GetAgreementChanges): Promise<AgreementChanges> {
    if (from > to) throw new DatesOutOfOrder(from, to);
    return agreementChanges(agreementId, await visibleHistory(this.store, agreementId, viewer), from, to, basis);
  }
}

@QueryHandler(ExportAgreement)
export class ExportAgreementHandler implements IQueryHandler<ExportAgreement> {
  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
    private readonly checkpoints: LogCheckpoints,
  ) {}

  async execute({ agreementId, viewer }: ExportAgreement): Promise<AgreementExport> {
    const history = await visibleHistory(this.store, agreementId, viewer);
    return provenExportOf(this.checkpoints, agreementId, history, await readReminderHistory(this.store, agreementId), this.clock.now());
  }
}

/** A verification is reused while the log's head has not moved, for at most this long (a rewrite adds no event). */
const VERIFICATION_MAX_AGE_MS = 60_000;

/**
 * Verifies the whole log for auditors and admins: one verification at a time, whoever asks, and its result reused
 * while the head stays where it was (for a minute at most), so many auditors cost one pass over the log.
 */
@QueryHandler(VerifyEventLog)
export class VerifyEventLogHandler implements IQueryHandler<VerifyEventLog> {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly recent = new Map<string, { at: number; result: Promise<LogVerification> }>();

  constructor(
    private readonly store: EventStore,
    private readonly checkpoints: LogCheckpoints,
    private readonly documents: DocumentStore,
  ) {}

  async execute({ upTo, expectedSeal, withDocuments, full }: VerifyEventLog): Promise<LogVerification> {
    const head = await this.store.headPosition();
    const key = `${head}|${upTo ?? 'head'}|${full}`;
    const now = Date.now();
    for (const [other, { at }] of this.recent) if (other !== key || now - at > VERIFICATION_MAX_AGE_MS) this.recent.delete(other);
    let entry = this.recent.get(key);
    if (!entry) {
      const result = this.queue.then(() => verifyAgainstCheckpoint(this.store, this.checkpoints, { upTo, full }));
      this.queue = result.catch(() => undefined);
      entry = { at: now, result };
      this.recent.set(key, entry);
      result.catch(() => this.recent.delete(key));
    }
    const result = checkedAgainstSeal(await entry.result, expectedSeal);
    return withDocuments ? { ...result, documents: await verifyDocuments(this.store, this.documents, { full }) } : result;
  }
}

@QueryHandler(GetAuditBundle)
export class GetAuditBundleHandler implements IQueryHandler<GetAuditBundle> {
  constructor(
    private readonly store: EventStore,
    private readonly documents: DocumentStore,
    private readonly clock: Clock,
  ) {}

  async execute({ agreementId, viewer }: GetAuditBundle): Promise<AuditBundle> {
    const history = await visibleHistory(this.store, agreementId, viewer);
    return auditBundle(this.store, this.documents, agreementId, history, this.clock.now());
  }
}

@QueryHandler(ExportRegionPortfolio)
export class ExportRegionPortfolioHandler implements IQueryHandler<ExportRegionPortfolio> {
  constructor(
    private readonly store: EventStore,
    private readonly clock: Clock,
    private readonly agreements: AgreementListQuery,
    private readonly portfolios: RegionPortfolioQuery,
    private readonly regions: RegionDirectory,
    private readonly checkpoints: LogCheckpoints,
  ) {}

  /**
   * Which agreements the region has comes from the read model (so one proposed a moment ago may be missing); what
   * each of them holds is read from the event store and verified.
   */
  async execute({ region, viewer }: ExportRegionPortfolio): Promise<RegionPortfolioExport> {
    if (!this.regions.find(region)) throw new UnknownRegion('code', region);
    authorizeRegionRead(viewer, region);
    const now = this.clock.now();
    const ids: string[] = [];
    for (let page = 1; ; page++) {
      const listed = await this.agreements.list({ region, sort: 'offeredOn', descending: false, page, pageSize: 100 });
      ids.push(...listed.items.map((item) => item.agreementId));
      if (listed.items.length === 0 || ids.length >= listed.total) break;
    }
    const agreements: AgreementExport[] = [];
    for (const agreementId of ids) {
      const history = await readAgreementHistory(this.store, agreementId);
      agreements.push(await provenExportOf(this.checkpoints, agreementId, history, await readReminderHistory(this.store, agreementId), now));
    }
    return { region, exportedAt: now.toISOString(), portfolio: await this.portfolios.portfolio(region), agreements };
  }
}

/** The export with the proof that its events are in the latest signed checkpoint, once one was signed. */
export async function provenExportOf(
  checkpoints: LogCheckpoints,
  agreementId: string,
  history: readonly RecordedEvent[],
  reminderEvents: readonly RecordedEvent[],
  now: Date,
): Promise<AgreementExport> {
  const inclusion = await checkpoints.inclusionOf([...history, ...reminderEvents]);
  return { ...exportOf(agreementId, history, reminderEvents, now), ...(inclusion ? { inclusion } : {}) };
}

export function checkedAgainstSeal(result: VerificationResult, expectedSeal: string | undefined): LogVerification {
  if (expectedSeal === undefined) return result;
  const expected = expectedSeal.toLowerCase();
  return { ...result, sealCheck: { expected, matches: result.seal === expected } };
}

export const auditQueryHandlers = [
  GetAuditTrailHandler,
  GetAgreementAsOfHandler,
  GetAgreementChangesHandler,
  ExportAgreementHandler,
  ExportRegionPortfolioHandler,
  VerifyEventLogHandler,
  GetAuditBundleHandler,
];
