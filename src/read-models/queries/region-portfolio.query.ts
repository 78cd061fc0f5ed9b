import { Injectable } from '@nestjs/common';
import { agreementStatusProjection } from '../../../projections/agreement-status/agreement-status.projection';
import type { SqlValue } from '../../../projections/projection';
import type { AgreementStage } from '../../agreements/domain/agreement.state';
import { addDays, daysBetween, type IsoDate } from '../../agreements/domain/dates';
import { type CounterpartCategory, RegionDirectory } from '../../regions/domain/region-directory';
import { ReadModelReader } from './read-model.reader';

export const ENDING_WITHIN_DAYS = [180, 90, 30] as const;

export interface EndingAgreement {
  agreementId: string;
  title: string;
  validUntil: IsoDate;
  daysLeft: number;
}

export interface RegionPortfolio {
  region: { code: string; name: string; level: string };
  /** Agreements the region is a party to (of the requested stage, if one was given). */
  total: number;
  /**
   * Agreements by how their counterparts relate to the region. An agreement with counterparts of several
   * categories counts once in each, so the categories add up to the total only for bilateral agreements.
   */
  byCounterpartCategory: Record<CounterpartCategory, number>;
  byStage: Partial<Record<Exclude<AgreementStage, 'none'>, number>>;
  byField: { field: string; agreements: number }[];
  /** Active agreements whose end date is today or within the next 180, 90 and 30 days, as of today. */
  endingWithin: { days180: number; days90: number; days30: number; agreements: EndingAgreement[] };
  asOf: IsoDate;
}

interface AgreementRow {
  key: string;
  title: string;
  stage: Exclude<AgreementStage, 'none'>;
  valid_until: IsoDate | null;
}

/** A region's portfolio: grouped from the agreement-status documents, with "ending soon" as of today. */
@Injectable()
export class RegionPortfolioQuery {
  constructor(
    private readonly reader: ReadModelReader,
    private readonly regions: RegionDirectory,
  ) {}

  async portfolio(code: string, stage?: Exclude<AgreementStage, 'none'>): Promise<RegionPortfolio> {
    const region = this.regions.find(code);
    if (!region) throw new Error(`unknown region ${code}`);
    return this.reader.read(async (snapshot) => {
      const { main, lists } = snapshot.tables(agreementStatusProjection);
      const stageFilter = stage ? 'AND s.stage = ?' : '';
      const params: SqlValue[] = stage ? [code, stage] : [code];
      // The region's agreements, joined with `extra` tables.
      const scope = (extra = ''): string =>
        `FROM ${lists.parties} p JOIN ${main} s ON s.key = p.key ${extra} WHERE p.region = ? ${stageFilter}`;
      const agreements = await snapshot.all<AgreementRow>(`SELECT s.key, s.title, s.stage, s.valid_until ${scope()}`, ...params);
      const counterparts = await snapshot.all<{ key: string; region: string }>(
        `SELECT o.key, o.region ${scope(`JOIN ${lists.parties} o ON o.key = p.key AND o.region <> p.region`)}`,
        ...params,
      );
      const fields = await snapshot.all<{ field: string; agreements: number }>(
        `SELECT f.field, count(*) AS agreements ${scope(`JOIN ${lists.fields} f ON f.key = p.key`)}
         GROUP BY f.field ORDER BY agreements DESC, f.field`,
        ...params,
      );

      const categories = new Map<string, Set<CounterpartCategory>>();
      for (const { key, region: other } of counterparts) {
        const category = this.regions.counterpartCategory(code, other);
        if (!category) continue;
        const set = categories.get(key) ?? new Set<CounterpartCategory>();
        categories.set(key, set.add(category));
      }
      const byCounterpartCategory: Record<CounterpartCategory, number> = {
        'regency-same-province': 0,
        province: 0,
        'regency-other-province': 0,
      };
      for (const set of categories.values()) for (const category of set) byCounterpartCategory[category]++;

      const byStage: RegionPortfolio['byStage'] = {};
      for (const a of agreements) byStage[a.stage] = (byStage[a.stage] ?? 0) + 1;

      const today = snapshot.todayIn(region.code);
      const horizon = addDays(today, Math.max(...ENDING_WITHIN_DAYS));
      const ending = agreements
        .filter((a): a is AgreementRow & { valid_until: IsoDate } => a.stage === 'active' && !!a.valid_until)
        .filter((a) => a.valid_until >= today && a.valid_until <= horizon)
        .map((a) => ({ agreementId: a.key, title: a.title, validUntil: a.valid_until, daysLeft: daysBetween(today, a.valid_until) }))
        .sort((a, b) => a.daysLeft - b.daysLeft || (a.agreementId < b.agreementId ? -1 : 1));
      const within = (days: number): number => ending.filter((a) => a.daysLeft <= days).length;

      return {
        region: { code: region.code, name: region.name, level: region.level },
        total: agreements.length,
        byCounterpartCategory,
        byStage,
        byField: fields,
        endingWithin: { days180: within(180), days90: within(90), days30: within(30), agreements: ending },
        asOf: today,
      };
    });
  }
}
