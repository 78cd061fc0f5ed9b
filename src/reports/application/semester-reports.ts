import { Injectable } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { agreementStatusProjection } from '../../../projections/agreement-status/agreement-status.projection';
import { authorizeRegionRead } from '../../agreements/application/agreement-access';
import type { Principal } from '../../access/principal';
import { agreementDecider, agreementStreamId } from '../../agreements/domain/agreement.decider';
import type { AgreementState, RecordedAgreement } from '../../agreements/domain/agreement.state';
import { dateInRegion, type IsoDate } from '../../agreements/domain/dates';
import { eventsAsOf } from '../../audit/agreement-audit';
import { LogSealer } from '../../audit/log-sealer';
import { Clock } from '../../core/clock.port';
import { foldHistory } from '../../core/command-processor';
import { EventStore } from '../../core/event-store.port';
import { ReadModelReader } from '../../read-models/queries/read-model.reader';
import { Registry } from '../../registry/registry';
import { type Region, RegionDirectory } from '../../regions/domain/region-directory';
import { type Semester, reportDayOf } from '../domain/semester';
import { type SemesterReport, semesterReport } from '../domain/semester-report';

export class GetSemesterReport extends Query<SemesterReport> {
  constructor(
    readonly region: string,
    readonly semester: Semester,
    readonly viewer: Principal,
  ) {
    super();
  }
}

/**
 * Builds a region's semester report from the event log: which agreements the region has comes from the read model,
 * what each held at the end of the report's day is folded from its stream, up to the log position the report names.
 */
@Injectable()
export class SemesterReports {
  constructor(
    private readonly store: EventStore,
    private readonly reader: ReadModelReader,
    private readonly regions: RegionDirectory,
    private readonly sealer: LogSealer,
    private readonly clock: Clock,
    private readonly registry: Registry,
  ) {}

  async report(code: string, semester: Semester): Promise<SemesterReport> {
    const region = this.regionOf(code);
    const printedOn = dateInRegion(this.clock.now(), code);
    const asOf = reportDayOf(semester, printedOn);
    const position = await this.store.headPosition();
    const seal = await this.sealer.sealAt(position);
    await this.registry.caughtUpTo(position);
    const regencies = region.level === 'province' ? this.regions.all().filter((r) => r.provinceCode === code && r.level !== 'province') : [];
    const idsByRegion = await this.agreementIdsOf([code, ...regencies.map((r) => r.code)]);
    const states = await foldEach([...new Set([...idsByRegion.values()].flat())], (id) => this.stateAsOf(id, asOf, position));
    const agreementsOf = (regionCode: string): RecordedAgreement[] =>
      (idsByRegion.get(regionCode) ?? []).flatMap((id) => {
        const state = states.get(id);
        return state === undefined || state.stage === 'none' ? [] : [state];
      });
    return semesterReport({
      region,
      semester,
      asOf,
      printedOn,
      agreements: agreementsOf(code),
      ...(region.level === 'province'
        ? { regencies: regencies.map((r) => ({ region: r, agreements: agreementsOf(r.code) })) }
        : {}),
      signatory: this.registry.regionSettings(code).reportSignatory,
      source: { position, seal },
      regions: this.regions,
    });
  }

  private regionOf(code: string): Region {
    const region = this.regions.find(code);
    if (!region) throw new Error(`unknown region ${code}`);
    return region;
  }

  /** The agreement at the end of the day, from what had happened by then (steps recorded late included). */
  private async stateAsOf(agreementId: string, day: IsoDate, position: number): Promise<AgreementState> {
    const history = (await this.store.readStream(agreementStreamId(agreementId))).filter((e) => e.position <= position);
    return foldHistory(agreementDecider, eventsAsOf(history, { date: day, basis: 'occurred' }));
  }

  private agreementIdsOf(codes: readonly string[]): Promise<Map<string, string[]>> {
    return this.reader.read(async (snapshot) => {
      const { lists } = snapshot.tables(agreementStatusProjection);
      const rows = await snapshot.all<{ region: string; key: string }>(
        `SELECT region, key FROM ${lists.parties} WHERE region IN (${codes.map(() => '?').join(', ')}) ORDER BY key`,
        ...codes,
      );
      const byRegion = new Map<string, string[]>();
      for (const { region, key } of rows) byRegion.set(region, [...(byRegion.get(region) ?? []), key]);
      return byRegion;
    });
  }
}

/** Streams read and folded at once: a few, so that each stream's events are let go once folded, not every stream read first. */
const FOLDS_AT_ONCE = 8;

async function foldEach(ids: readonly string[], fold: (id: string) => Promise<AgreementState>): Promise<Map<string, AgreementState>> {
  const states = new Map<string, AgreementState>();
  let next = 0;
  const folder = async (): Promise<void> => {
    while (next < ids.length) {
      const id = ids[next++];
      states.set(id, await fold(id));
    }
  };
  await Promise.all(Array.from({ length: Math.min(FOLDS_AT_ONCE, ids.length) }, folder));
  return states;
}

@QueryHandler(GetSemesterReport)
export class GetSemesterReportHandler implements IQueryHandler<GetSemesterReport> {
  constructor(private readonly reports: SemesterReports) {}

  /** The region's users and national auditors; a province's report carries the figures of its kabupaten/kota. */
  execute({ region, semester, viewer }: GetSemesterReport): Promise<SemesterReport> {
    authorizeRegionRead(viewer, region);
    return this.reports.report(region, semester);
  }
}
