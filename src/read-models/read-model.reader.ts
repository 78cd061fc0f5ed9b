import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import type Database from 'better-sqlite3';
import type { AnyProjection, SqlValue } from '../../projections/projection';
import { dateInJakarta, type IsoDate } from '../agreements/domain/dates';
import { Clock } from '../core/clock.port';
import { type GenerationTables, ReadModelStore } from './read-model.store';

/** Before a projection's first build has switched live there is nothing to read: 503, try again shortly. */
export class ReadModelNotReady extends ServiceUnavailableException {
  constructor(projection: string) {
    super(`the ${projection} read model is being built; try again shortly (see GET /projections)`);
  }
}

/** What a query sees: one snapshot of the file, in which each projection's live tables stay as they were. */
export interface ReadModelSnapshot {
  tables(projection: AnyProjection): GenerationTables;
  all<Row>(sql: string, ...params: SqlValue[]): Row[];
  /** Today's date, from the injectable clock: relative figures (days left, overdue days) are computed from it. */
  readonly today: IsoDate;
}

const CACHED_STATEMENTS = 200;

/**
 * Read access for the query services. Each read runs in one read transaction, so the live generation it looks
 * up and the tables it reads belong together, even while a rebuild in another process switches generations.
 */
@Injectable()
export class ReadModelReader {
  private readonly statements = new Map<string, Database.Statement<SqlValue[]>>();

  constructor(
    private readonly store: ReadModelStore,
    private readonly clock: Clock,
  ) {}

  read<T>(query: (snapshot: ReadModelSnapshot) => T): T {
    const snapshot: ReadModelSnapshot = {
      tables: (projection) => {
        const tables = this.store.liveTables(projection);
        if (!tables) throw new ReadModelNotReady(projection.name);
        return tables;
      },
      all: <Row>(sql: string, ...params: SqlValue[]) => this.statement(sql).all(...params) as Row[],
      today: dateInJakarta(this.clock.now()),
    };
    return this.store.db.transaction(() => query(snapshot))();
  }

  private statement(sql: string): Database.Statement<SqlValue[]> {
    let statement = this.statements.get(sql);
    if (!statement) {
      // Statements name generation tables: after a few rebuilds the old ones are never used again.
      if (this.statements.size >= CACHED_STATEMENTS) this.statements.clear();
      statement = this.store.db.prepare<SqlValue[]>(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}
