import { Injectable } from '@nestjs/common';
import type { AgreementStatus } from '../../../projections/agreement-status/agreement-status';
import { agreementStatusProjection } from '../../../projections/agreement-status/agreement-status.projection';
import type { SqlValue } from '../../../projections/projection';
import type { AgreementStage } from '../../agreements/domain/agreement.state';
import { ReadModelReader } from './read-model.reader';
import { type AgreementStatusView, agreementStatusView } from './agreement-views';

export const AGREEMENT_SORTS = ['updated', 'title', 'offeredOn', 'validUntil', 'nextDeadline'] as const;
export type AgreementSort = (typeof AGREEMENT_SORTS)[number];

/** Sorts by a stored column; the next deadline depends on the proposer's policy now, so it is sorted once computed. */
const SORT_COLUMNS: Record<Exclude<AgreementSort, 'nextDeadline'>, string> = {
  updated: 'last_position',
  title: 'title',
  offeredOn: 'offered_on',
  validUntil: 'valid_until',
};

export interface AgreementListFilter {
  /** Only agreements this region is a party to: the scope access control will impose. */
  region?: string;
  stage?: Exclude<AgreementStage, 'none'>;
  field?: string;
  /** Words in the title. */
  q?: string;
  sort: AgreementSort;
  descending: boolean;
  page: number;
  pageSize: number;
}

export interface Page<Item> {
  items: Item[];
  page: number;
  pageSize: number;
  total: number;
}

@Injectable()
export class AgreementListQuery {
  constructor(private readonly reader: ReadModelReader) {}

  list(filter: AgreementListFilter): Promise<Page<AgreementStatusView>> {
    return this.reader.read(async (snapshot) => {
      const { main, lists } = snapshot.tables(agreementStatusProjection);
      const joins: string[] = [];
      const where: string[] = [];
      const params: SqlValue[] = [];
      if (filter.region) {
        joins.push(`JOIN ${lists.parties} p ON p.key = s.key AND p.region = ?`);
        params.push(filter.region);
      }
      if (filter.field) {
        joins.push(`JOIN ${lists.fields} f ON f.key = s.key AND f.field = ?`);
        params.push(filter.field);
      }
      if (filter.stage) {
        where.push('s.stage = ?');
        params.push(filter.stage);
      }
      if (filter.q) {
        // lower() on both sides: LIKE ignores case in SQLite, not in PostgreSQL.
        where.push(`lower(s.title) LIKE lower(?) ESCAPE '\\'`);
        params.push(`%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
      }
      const from = `FROM ${main} s ${joins.join(' ')} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`;
      const [{ total }] = await snapshot.all<{ total: number }>(`SELECT count(*) AS total ${from}`, ...params);
      const offset = (filter.page - 1) * filter.pageSize;
      const viewsOf = (rows: { document: string }[]) => rows.map((row) => agreementStatusView(JSON.parse(row.document) as AgreementStatus, snapshot));
      if (filter.sort === 'nextDeadline') {
        const views = viewsOf(await snapshot.all<{ document: string }>(`SELECT s.document ${from}`, ...params)).sort(byNextDeadline(filter.descending));
        return { items: views.slice(offset, offset + filter.pageSize), page: filter.page, pageSize: filter.pageSize, total };
      }
      const column = `s.${SORT_COLUMNS[filter.sort]}`;
      // Missing values (no end date yet, no pending deadline) sort last either way.
      const order = `${column} IS NULL, ${column} ${filter.descending ? 'DESC' : 'ASC'}, s.key`;
      const rows = await snapshot.all<{ document: string }>(`SELECT s.document ${from} ORDER BY ${order} LIMIT ? OFFSET ?`, ...params, filter.pageSize, offset);
      return {
        items: viewsOf(rows),
        page: filter.page,
        pageSize: filter.pageSize,
        total,
      };
    });
  }
}

/** Without a pending deadline last either way, as the stored columns sort; then by id, so pages never overlap. */
function byNextDeadline(descending: boolean): (a: AgreementStatusView, b: AgreementStatusView) => number {
  return (a, b) => {
    const [x, y] = [a.nextDeadline?.dueOn, b.nextDeadline?.dueOn];
    if (x === undefined || y === undefined) return x === y ? compare(a.agreementId, b.agreementId) : x === undefined ? 1 : -1;
    return (descending ? compare(y, x) : compare(x, y)) || compare(a.agreementId, b.agreementId);
  };
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
