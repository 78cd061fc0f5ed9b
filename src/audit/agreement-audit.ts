import { foldHistory } from '../core/command-processor';
import type { Actor, RecordedEvent } from '../core/event';
import type { EventStore } from '../core/event-store.port';
import { canonicalJson } from '../core/hash-chain';
import { agreementDecider, agreementStreamId } from '../agreements/domain/agreement.decider';
import { AgreementNotFound } from '../agreements/domain/agreement.errors';
import { type AgreementState } from '../agreements/domain/agreement.state';
import { fieldLabelForRecord } from '../agreements/domain/fields-of-cooperation';
import { addDays, instantInZone, type IsoDate, timeZoneOf } from '../agreements/domain/dates';
import { type DeliveryRecord, deliveriesOf, reminderStreamId } from '../reminders/reminder.events';

/** One step of an agreement's history, as an auditor reads it. */
export interface AuditEntry {
  position: number;
  revision: number;
  eventId: string;
  type: string;
  /** What the step is about: `KSB`, or the PKS, follow-up or visit it names (`pks-1`, `tl-2`, `visit-1`). */
  subject: string;
  actor: Actor;
  /** When it happened in the world, as the user said. */
  occurredAt: string;
  /** When the store committed it. */
  recordedAt: string;
  reason?: string;
  data: unknown;
  /** The fields of cooperation (urusan) the step names (a proposal's, a PKS's, an addendum's), by label. */
  fields?: string[];
  hash: string;
  previousHash: string;
}

/**
 * `occurred`: what had happened in the world by the end of the date (the proposer's time zone), as far as the store knows now,
 * steps recorded late included. `recorded`: what the store held at the end of that date.
 */
export type TimeBasis = 'occurred' | 'recorded';
export const TIME_BASES: readonly TimeBasis[] = ['occurred', 'recorded'];

export type PointInTime = { date: IsoDate; basis: TimeBasis } | { revision: number };

export interface AgreementAsOf {
  agreementId: string;
  asOf: PointInTime;
  /** The last revision taken into account; -1 when the agreement did not exist yet. */
  revision: number;
  eventsApplied: number;
  /** Stage `none`: the agreement had not been proposed yet. */
  state: AgreementState;
}

export async function readAgreementHistory(store: EventStore, agreementId: string): Promise<RecordedEvent[]> {
  const history = await store.readStream(agreementStreamId(agreementId));
  if (history.length === 0) throw new AgreementNotFound();
  return history;
}

/**
 * The reminders of an agreement, kept apart from its own history: they live in a stream of their own
 * (`reminders-<agreementId>`), recorded by the engine, and change nothing of the agreement.
 */
export interface ReminderRecords {
  streamId: string;
  /** Each delivery (one reminder, one contact, one channel): who was reminded of which deadline, how, when, outcome. */
  deliveries: DeliveryRecord[];
  /** Every event of the stream, as recorded (claimed, sent, failed); `subject` is the delivery id. */
  entries: AuditEntry[];
}

/** The reminder stream of the agreement; empty when no reminder was ever attempted. */
export function readReminderHistory(store: EventStore, agreementId: string): Promise<RecordedEvent[]> {
  return store.readStream(reminderStreamId(agreementId));
}

export function reminderRecordsOf(agreementId: string, events: readonly RecordedEvent[]): ReminderRecords {
  return {
    streamId: reminderStreamId(agreementId),
    deliveries: [...deliveriesOf(events).values()],
    entries: events.map((event) => ({ ...auditEntryOf(event), subject: deliveryIdOf(event.data) })),
  };
}

const deliveryIdOf = (data: unknown): string => (isRecord(data) && typeof data.deliveryId === 'string' ? data.deliveryId : '');

export function auditEntryOf(event: RecordedEvent): AuditEntry {
  const { actor, occurredAt, recordedAt, reason } = event.metadata;
  return {
    position: event.position,
    revision: event.revision,
    eventId: event.id,
    type: event.type,
    subject: subjectOf(event.data),
    actor,
    occurredAt,
    recordedAt,
    ...(reason !== undefined ? { reason } : {}),
    data: event.data,
    ...fieldsNamedBy(event.data),
    hash: event.hash,
    previousHash: event.previousHash,
  };
}

/** The data's urusan (`fields`, `field`, `addedFields`), by label: the data itself keeps the codes it was recorded with. */
function fieldsNamedBy(data: unknown): { fields?: string[] } {
  if (typeof data !== 'object' || data === null) return {};
  const { fields, field, addedFields } = data as { fields?: unknown; field?: unknown; addedFields?: unknown };
  const named = [fields, field, addedFields].flat().filter((value): value is string => typeof value === 'string');
  return named.length > 0 ? { fields: named.map(fieldLabelForRecord) } : {};
}

/**
 * The first instant after the date in the agreement's own time zone (its proposer's, named by the first event of its
 * stream): a step belongs to the date when it is before this.
 */
export function endOfDay(date: IsoDate, history: readonly RecordedEvent[]): number {
  const proposer = history[0]?.type === 'AgreementProposed' ? (history[0].data as { proposer: string }).proposer : '';
  return instantInZone(addDays(date, 1), timeZoneOf(proposer));
}

/** The events a point in time takes into account, in stream order. */
export function eventsAsOf(history: readonly RecordedEvent[], point: PointInTime): RecordedEvent[] {
  if ('revision' in point) return history.filter((e) => e.revision <= point.revision);
  const end = endOfDay(point.date, history);
  const instantOf = (e: RecordedEvent): number =>
    Date.parse(point.basis === 'occurred' ? e.metadata.occurredAt : e.metadata.recordedAt);
  return history.filter((e) => instantOf(e) < end);
}

export function agreementAsOf(agreementId: string, history: readonly RecordedEvent[], point: PointInTime): AgreementAsOf {
  const applied = eventsAsOf(history, point);
  return {
    agreementId,
    asOf: point,
    revision: applied.length === 0 ? -1 : applied[applied.length - 1].revision,
    eventsApplied: applied.length,
    state: foldHistory(agreementDecider, applied),
  };
}

export interface AgreementChanges {
  agreementId: string;
  from: IsoDate;
  to: IsoDate;
  basis: TimeBasis;
  /** Each changed value of the state, by path (see {@link diffStates}). */
  changes: StateChange[];
  /** The steps that made the difference: taken into account at `to` and not at `from`. */
  events: AuditEntry[];
}

/** What changed in the agreement between the end of one date and the end of another. */
export function agreementChanges(
  agreementId: string,
  history: readonly RecordedEvent[],
  from: IsoDate,
  to: IsoDate,
  basis: TimeBasis,
): AgreementChanges {
  const before = eventsAsOf(history, { date: from, basis });
  const after = eventsAsOf(history, { date: to, basis });
  const seen = new Set(before.map((e) => e.revision));
  return {
    agreementId,
    from,
    to,
    basis,
    changes: diffStates(foldHistory(agreementDecider, before), foldHistory(agreementDecider, after)),
    events: after.filter((e) => !seen.has(e.revision)).map(auditEntryOf),
  };
}

export interface StateChange {
  /** A JSON Pointer into the state, except that a PKS, follow-up or visit is named by its id, not its index. */
  path: string;
  /** Absent when the value did not exist before. */
  before?: unknown;
  /** Absent when the value no longer exists. */
  after?: unknown;
}

// A follow-up also names its PKS: its own id comes first.
const ID_KEYS = ['followUpId', 'visitId', 'pksId'] as const;

/** Every leaf that differs between two states, in document order. */
export function diffStates(before: unknown, after: unknown): StateChange[] {
  const changes: StateChange[] = [];
  walk(before, after, '', changes);
  return changes;
}

function walk(before: unknown, after: unknown, path: string, changes: StateChange[]): void {
  if (sameValue(before, after)) return;
  if (isRecord(before) && isRecord(after)) {
    const keys = [...Object.keys(after), ...Object.keys(before).filter((k) => !(k in after))];
    for (const key of keys) walk(before[key], after[key], `${path}/${escapePointer(key)}`, changes);
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const idKey = identifyingKey(before, after);
    if (idKey) {
      const byId = (list: unknown[]) => new Map(list.map((item) => [String((item as Record<string, unknown>)[idKey]), item]));
      const [old, now] = [byId(before), byId(after)];
      const ids = [...now.keys(), ...[...old.keys()].filter((id) => !now.has(id))];
      for (const id of ids) walk(old.get(id), now.get(id), `${path}/${escapePointer(id)}`, changes);
      return;
    }
    // A list that only grew (reports, monev, amendments) shows what was added.
    if (before.every((item, i) => sameValue(item, after[i]))) {
      after.slice(before.length).forEach((item, i) => changes.push({ path: `${path}/${before.length + i}`, after: item }));
      return;
    }
  }
  changes.push({ path: path || '/', ...(before !== undefined ? { before } : {}), ...(after !== undefined ? { after } : {}) });
}

/** The id key every element of both lists carries, if any; an empty list goes with any. */
function identifyingKey(...lists: unknown[][]): string | undefined {
  const items = lists.flat();
  if (items.length === 0) return undefined;
  return ID_KEYS.find((key) => items.every((item) => isRecord(item) && typeof item[key] === 'string'));
}

function subjectOf(data: unknown): string {
  if (!isRecord(data)) return 'KSB';
  for (const key of ['followUpId', 'visitId', 'pksId'] as const) {
    if (typeof data[key] === 'string') return data[key] as string;
  }
  return 'KSB';
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return canonicalJson(a) === canonicalJson(b);
}

const escapePointer = (segment: string): string => segment.replace(/~/g, '~0').replace(/\//g, '~1');
