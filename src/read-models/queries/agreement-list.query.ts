import { Injectable } from '@nestjs/common';
import type { AgreementStatus } from '../../../projections/agreement-status/agreement-status';
import { agreementStatusProjection } from '../../../projections/agreement-status/agreement-status.projection';
import type { SqlValue } from '../../../projections/projection';
import type { AgreementStage } from '../../agreements/domain/agreement.state';
import { InvalidInput } from '../../core/domain-error';
import { ReadModelReader, type ReadModelSnapshot } from './read-model.reader';
import { type AgreementStatusView, agreementStatusView } from './agreement-views';

export const AGREEMENT_SORTS = ['updated', 'title', 'offeredOn', 'validUntil', 'nextDeadline'] as const;
export type AgreementSort = (typeof AGREEMENT_SORTS)[number];

/** Sorts by a stored column; the next deadline by the one the defaults date (see `list`). */
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
  /** Which page: by number (read by offset), or the page after or before the one a cursor was given with. */
  page: number | { after: string } | { before: string };
  pageSize: number;
}

export interface Page<Item> {
  items: Item[];
  page: number;
  pageSize: number;
  total: number;
}

/** A page with the cursors of the pages next to it, when there are any. */
export interface CursorPage<Item> extends Page<Item> {
  next?: string;
  prev?: string;
}

export class InvalidCursor extends InvalidInput {
  constructor(field: 'after' | 'before', why: string) {
    super(`${field} is not a cursor of this list (${why}): follow the links a page gives, or start again from the first page`, field);
  }
}

/**
 * Where a page ends, in the list's order: the sort it belongs to, the last (or first) item's sort value and id, and
 * the page's number. Opaque to clients (base64url of JSON).
 */
interface Cursor {
  sort: string;
  value: string | number | null;
  key: string;
  page: number;
}

const encodeCursor = (cursor: Cursor): string => Buffer.from(JSON.stringify([cursor.sort, cursor.value, cursor.key, cursor.page])).toString('base64url');

function decodeCursor(field: 'after' | 'before', text: string, sort: string): Cursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursor(field, 'unreadable');
  }
  if (!Array.isArray(parsed) || parsed.length !== 4) throw new InvalidCursor(field, 'unreadable');
  const [cursorSort, value, key, page] = parsed as unknown[];
  if (cursorSort !== sort) throw new InvalidCursor(field, `it was given for sort ${String(cursorSort)}, not ${sort}`);
  if (!(value === null || typeof value === 'string' || typeof value === 'number') || typeof key !== 'string' || !Number.isInteger(page) || (page as number) < 1) {
    throw new InvalidCursor(field, 'unreadable');
  }
  return { sort, value, key, page: page as number };
}

/** One item's place in the order: its sort value (null: none, listed last either way) and its id. */
interface Place {
  value: string | number | null;
  key: string;
}

/**
 * The agreement list, filtered, sorted and paged. Pages are read by keyset: a page after (or before) a cursor starts
 * at the cursor's place in the order, through the index on (sort column, id), so a deep page costs what the first
 * does. The order: by the sort column, then by id in the same direction; agreements without a value (no end date yet)
 * last either way. `page=` numbers still work, read by offset.
 */
@Injectable()
export class AgreementListQuery {
  constructor(private readonly reader: ReadModelReader) {}

  list(filter: AgreementListFilter): Promise<CursorPage<AgreementStatusView>> {
    const sortName = `${filter.descending ? '-' : ''}${filter.sort}`;
    const position: Position = typeof filter.page === 'number' ? { page: filter.page } : 'after' in filter.page ? { after: decodeCursor('after', filter.page.after, sortName) } : { before: decodeCursor('before', filter.page.before, sortName) };
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
      const from = `FROM ${main} s ${joins.join(' ')}`;
      const whereOf = (more: string[]): string => {
        const all = [...where, ...more];
        return all.length ? `WHERE ${all.join(' AND ')}` : '';
      };
      const [{ total }] = await snapshot.all<{ total: number }>(`SELECT count(*) AS total ${from} ${whereOf([])}`, ...params);
      const toView = (document: string) => agreementStatusView(JSON.parse(document) as AgreementStatus, snapshot);

      const sorted = filter.sort === 'nextDeadline' ? 's.default_deadline_on' : `s.${SORT_COLUMNS[filter.sort]}`;
      // The next deadline is stored as the defaults date it: agreements proposed by a region with durations of its
      // own are left out of the stored order, computed, and merged in.
      const own = filter.sort === 'nextDeadline' ? snapshot.regionsWithOwnDurations() : [];
      const ownList = own.map(() => '?').join(', ');
      const stored = own.length ? [`s.proposer NOT IN (${ownList})`] : [];
      const read: Read = async (more, moreParams, order, limit, offset = 0) =>
        (
          await snapshot.all<{ key: string; sort_value: string | number | null; document: string }>(
            `SELECT s.key, ${sorted} AS sort_value, s.document ${from} ${whereOf([...stored, ...more])} ORDER BY ${order} LIMIT ? OFFSET ?`,
            ...params,
            ...own,
            ...moreParams,
            limit,
            offset,
          )
        ).map((row) => ({ view: toView(row.document), place: { value: row.sort_value, key: row.key } }));
      const count: Count = async (more) => {
        const [{ n }] = await snapshot.all<{ n: number }>(`SELECT count(*) AS n ${from} ${whereOf([...stored, ...more])}`, ...params, ...own);
        return n;
      };

      let items: { view: AgreementStatusView; place: Place }[];
      if (!own.length) {
        items = await pageByKeyset(read, count, sorted, filter.descending, position, filter.pageSize);
      } else {
        const order = placeOrder(filter.descending);
        const computed = (await snapshot.all<{ document: string }>(`SELECT s.document ${from} ${whereOf([`s.proposer IN (${ownList})`])}`, ...params, ...own))
          .map((row) => toView(row.document))
          .map((view) => ({ view, place: { value: view.nextDeadline?.dueOn ?? null, key: view.agreementId } }))
          .sort((a, b) => order(a.place, b.place));
        if ('page' in position && position.page > 1) {
          // By number: the computed ones take their places among the stored ones' places (no documents read),
          // and only the page's stored documents are read.
          const offset = (position.page - 1) * filter.pageSize;
          const places = await placesByKeyset(snapshot, from, whereOf, [...params, ...own], stored, sorted, filter.descending, offset + filter.pageSize);
          const merged: { place: Place; view?: AgreementStatusView }[] = [...places.map((place) => ({ place })), ...computed]
            .sort((a, b) => order(a.place, b.place))
            .slice(offset, offset + filter.pageSize);
          const keys = merged.filter((item) => !item.view).map((item) => item.place.key);
          const documents = new Map(
            keys.length
              ? (await snapshot.all<{ key: string; document: string }>(`SELECT key, document FROM ${main} WHERE key IN (${keys.map(() => '?').join(', ')})`, ...keys)).map((row) => [row.key, row.document])
              : [],
          );
          items = merged.map(({ place, view }) => ({ view: view ?? toView(documents.get(place.key) as string), place }));
        } else {
          const merged = [...(await pageByKeyset(read, count, sorted, filter.descending, position, filter.pageSize)), ...pageOfSorted(computed, position, filter.pageSize, order)].sort((a, b) =>
            order(a.place, b.place),
          );
          items = 'before' in position ? merged.slice(-filter.pageSize) : merged.slice(0, filter.pageSize);
        }
      }
      const page = 'page' in position ? position.page : 'after' in position ? position.after.page + 1 : Math.max(1, position.before.page - 1);
      const first = items[0];
      const last = items[items.length - 1];
      const more = (page - 1) * filter.pageSize + items.length < total;
      return {
        items: items.map((item) => item.view),
        page,
        pageSize: filter.pageSize,
        total,
        ...(last && more ? { next: encodeCursor({ sort: sortName, ...last.place, page }) } : {}),
        ...(first && page > 1 ? { prev: encodeCursor({ sort: sortName, ...first.place, page }) } : {}),
      };
    });
  }
}

type Position = { page: number } | { after: Cursor } | { before: Cursor };
type Read = (where: string[], params: SqlValue[], order: string, limit: number, offset?: number) => Promise<{ view: AgreementStatusView; place: Place }[]>;
type Count = (where: string[]) => Promise<number>;

/**
 * A page of a stored column's order, read in two runs: the agreements with a value, by (value, id) from the cursor
 * on, then those without, by id. Each run is a range of the index on (column, key).
 */
async function pageByKeyset(read: Read, count: Count, column: string, descending: boolean, position: Position, pageSize: number) {
  const [dir, back] = descending ? ['DESC', 'ASC'] : ['ASC', 'DESC'];
  const [after, before] = descending ? ['<', '>'] : ['>', '<'];
  const valued = `${column} IS NOT NULL`;
  const unvalued = `${column} IS NULL`;
  // A page by number past the first: read by offset in each run, agreements without a value after the others.
  if ('page' in position && position.page > 1) {
    const offset = (position.page - 1) * pageSize;
    const withValue = await read([valued], [], `${column} ${dir}, s.key ${dir}`, pageSize, offset);
    if (withValue.length === pageSize) return withValue;
    const valuedCount = withValue.length ? offset + withValue.length : await count([valued]);
    return [...withValue, ...(await read([unvalued], [], `s.key ${dir}`, pageSize - withValue.length, Math.max(0, offset - valuedCount)))];
  }
  if (!('before' in position)) {
    // The first page, or the page after a cursor.
    const cursor = 'after' in position ? position.after : undefined;
    if (cursor && cursor.value === null) return read([unvalued, `s.key ${after} ?`], [cursor.key], `s.key ${dir}`, pageSize);
    const bound = cursor ? [`(${column}, s.key) ${after} (?, ?)`] : [];
    const withValue = await read([valued, ...bound], cursor ? [cursor.value, cursor.key] : [], `${column} ${dir}, s.key ${dir}`, pageSize);
    if (withValue.length === pageSize) return withValue;
    return [...withValue, ...(await read([unvalued], [], `s.key ${dir}`, pageSize - withValue.length))];
  }
  // Before a cursor: read backwards, then turned the right way round.
  const { value, key } = position.before;
  let rows: Awaited<ReturnType<Read>> = [];
  if (value === null) rows = await read([unvalued, `s.key ${before} ?`], [key], `s.key ${back}`, pageSize);
  const left = pageSize - rows.length;
  if (left > 0) {
    const bound = value === null ? [] : [`(${column}, s.key) ${before} (?, ?)`];
    rows = [...rows, ...(await read([valued, ...bound], value === null ? [] : [value, key], `${column} ${back}, s.key ${back}`, left))];
  }
  return rows.reverse();
}

/** The places of the first `limit` items of a stored order, in the two runs `pageByKeyset` reads: their keys and values only. */
async function placesByKeyset(
  snapshot: ReadModelSnapshot,
  from: string,
  whereOf: (more: string[]) => string,
  params: SqlValue[],
  stored: string[],
  column: string,
  descending: boolean,
  limit: number,
): Promise<Place[]> {
  const dir = descending ? 'DESC' : 'ASC';
  const run = async (more: string, order: string, n: number) =>
    (await snapshot.all<{ key: string; sort_value: string | number | null }>(`SELECT s.key, ${column} AS sort_value ${from} ${whereOf([...stored, more])} ORDER BY ${order} LIMIT ?`, ...params, n)).map(
      (row): Place => ({ value: row.sort_value, key: row.key }),
    );
  const withValue = await run(`${column} IS NOT NULL`, `${column} ${dir}, s.key ${dir}`, limit);
  return withValue.length === limit ? withValue : [...withValue, ...(await run(`${column} IS NULL`, `s.key ${dir}`, limit - withValue.length))];
}

/** A page of items already in order (the computed next deadlines). */
function pageOfSorted<Item extends { place: Place }>(all: Item[], position: Position, pageSize: number, order: (a: Place, b: Place) => number): Item[] {
  if ('page' in position) return all.slice((position.page - 1) * pageSize, position.page * pageSize);
  if ('after' in position) {
    const start = all.findIndex((item) => order(item.place, position.after) > 0);
    return start < 0 ? [] : all.slice(start, start + pageSize);
  }
  const end = all.findIndex((item) => order(item.place, position.before) >= 0);
  const stop = end < 0 ? all.length : end;
  return all.slice(Math.max(0, stop - pageSize), stop);
}

/** Without a value last either way, as the stored columns sort; then by id in the same direction, so pages never overlap. */
function placeOrder(descending: boolean): (a: Place, b: Place) => number {
  const direction = descending ? -1 : 1;
  return (a, b) => {
    if (a.value === null || b.value === null) return a.value === b.value ? direction * compare(a.key, b.key) : a.value === null ? 1 : -1;
    return direction * (compare(a.value, b.value) || compare(a.key, b.key));
  };
}

const compare = (a: string | number, b: string | number): number => (a < b ? -1 : a > b ? 1 : 0);
