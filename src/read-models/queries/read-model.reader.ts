import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import type { AgreementStatus } from '../../../projections/agreement-status/agreement-status';
import { type Deadline, deadlinesOf } from '../../../projections/agreement-status/deadlines';
import type { AnyProjection, SqlValue } from '../../../projections/projection';
import { dateInRegion, type IsoDate } from '../../agreements/domain/dates';
import { Clock } from '../../core/clock.port';
import { RegionPolicies } from '../../regions/region-policies.port';
import { generationOf, type GenerationTables, GenerationRegistry, tablesOf } from '../storage/generation-registry';

/** Before a projection's first build has switched live there is nothing to read: 503, try again shortly. */
export class ReadModelNotReady extends ServiceUnavailableException {
  constructor(projection: string) {
    super(`the ${projection} read model is being built; try again shortly (see GET /projections)`);
  }
}

/** What a query sees: one snapshot of the store, in which each projection's live tables stay as they were. */
export interface ReadModelSnapshot {
  tables(projection: AnyProjection): GenerationTables;
  /** `?` placeholders. */
  all<Row>(sql: string, ...params: SqlValue[]): Promise<Row[]>;
  /** The instant of the read, from the injectable clock: relative figures (days left, overdue days) follow from it. */
  readonly now: number;
  /** Today in the region's own time zone: an agreement's day is its proposer's. */
  todayIn(region: string): IsoDate;
  /** The agreement's pending deadlines, dated under its proposer's policy as it stands now. */
  deadlinesOf(status: AgreementStatus): Deadline[];
  /** The proposers whose deadlines are not where the defaults put them (`default_deadline_on`): their own durations. */
  regionsWithOwnDurations(): readonly string[];
}

/** A snapshot that listed tables a switch then dropped (PostgreSQL) is read again, from the new generation. */
const ATTEMPTS = 3;

/**
 * Read access for the query services. Each read runs in one read transaction, so the live generation it looks
 * up and the tables it reads belong together, even while a rebuild in another process switches generations.
 */
@Injectable()
export class ReadModelReader {
  constructor(
    private readonly store: GenerationRegistry,
    private readonly clock: Clock,
    private readonly policies: RegionPolicies,
  ) {}

  async read<T>(query: (snapshot: ReadModelSnapshot) => Promise<T> | T): Promise<T> {
    const now = this.clock.now().getTime();
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.store.database.read(async (session) => {
          const generations = await this.store.generations(session);
          const snapshot: ReadModelSnapshot = {
            tables: (projection) => {
              const live = generationOf(generations, projection.name, 'live');
              if (!live) throw new ReadModelNotReady(projection.name);
              return tablesOf(projection, live.generation);
            },
            all: (sql, ...params) => session.all(sql, params),
            now,
            todayIn: (region) => dateInRegion(now, region),
            deadlinesOf: (status) => deadlinesOf(status, this.policies),
            regionsWithOwnDurations: () => this.policies.regionsWithOwnDurations(),
          };
          return query(snapshot);
        });
      } catch (error) {
        if (attempt >= ATTEMPTS || !this.store.database.isTransient(error)) throw error;
      }
    }
  }
}
