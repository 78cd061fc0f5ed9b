import type { IsoDate } from '../../src/agreements/domain/dates';
import { DEFAULT_POLICY, FLOOR_POLICY } from '../../src/agreements/domain/policy';
import { agreementIdOf, asAgreementEvent } from '../agreement-event';
import type { Projection } from '../projection';
import type { AgreementStatus } from './agreement-status';
import { evolveStatus } from './agreement-status.evolve';
import { earliestDeadlineOn } from './deadlines';

/**
 * The agreement-status read model: one document per agreement. Its list tables hold what region views filter on:
 * the parties (region scoping, portfolios, worklists, deadline schedules) and the fields. The open follow-ups and
 * the pending deadlines depend on the whole agreement (its title, stage, PKS, parties), so they are read from the
 * documents of a region's agreements rather than kept as rows of their own, which every event would rewrite; the
 * deadlines' dates depend on the proposer's policy, which a region may change at any time, so they are computed when
 * read (`deadlinesOf`); the column `deadline_floor_on` holds the earliest day any of them could fall on under any
 * policy a region may set (`FLOOR_POLICY`), so "what is due by then" still narrows its reads by index. The column
 * `default_deadline_on` holds the next deadline under the defaults (`DEFAULT_POLICY`), which is the next deadline of
 * every agreement whose proposer keeps the default durations: the list sorted by next deadline reads those by index
 * and computes only the others.
 */
export const agreementStatusProjection: Projection<AgreementStatus> = {
  name: 'agreement-status',
  // The deadline floor follows from the policy's bounds: a new policy version rebuilds the column derived from them.
  version: `5+policy.${DEFAULT_POLICY.version}`,
  documentOf: (event) => (asAgreementEvent(event) ? agreementIdOf(event) : undefined),
  evolve: evolveStatus,
  schema: {
    key: 'TEXT',
    columns: {
      title: 'TEXT',
      stage: 'TEXT',
      proposer: 'TEXT',
      offered_on: 'TEXT',
      valid_until: 'TEXT',
      deadline_floor_on: 'TEXT',
      default_deadline_on: 'TEXT',
      next_end_on: 'TEXT',
      last_position: 'INTEGER',
    },
    // (sort column, key): the list's pages are ranges of these (keyset).
    indexes: [['stage'], ['last_position', 'key'], ['title', 'key'], ['offered_on', 'key'], ['valid_until', 'key'], ['default_deadline_on', 'key'], ['deadline_floor_on'], ['next_end_on']],
    lists: {
      parties: { columns: { region: 'TEXT' }, indexes: [['region']] },
      fields: { columns: { field: 'TEXT' }, indexes: [['field']] },
    },
    rowsOf: (status) => ({
      columns: {
        title: status.title,
        stage: status.stage,
        proposer: status.proposer,
        offered_on: status.dates.offered,
        valid_until: status.dates.validUntil ?? null,
        deadline_floor_on: earliestDeadlineOn(status, FLOOR_POLICY) ?? null,
        default_deadline_on: earliestDeadlineOn(status, DEFAULT_POLICY) ?? null,
        next_end_on: nextEndOn(status) ?? null,
        last_position: status.lastEvent.position,
      },
      lists: {
        parties: status.parties.map((region) => ({ id: region, region })),
        fields: [...new Set(status.fields)].map((field) => ({ id: field, field })),
      },
    }),
  },
};

/** The earliest end date of the active KSB and its active PKS: where the expiry watch looks for what ends today. */
export function nextEndOn(status: AgreementStatus): IsoDate | undefined {
  if (status.stage !== 'active') return undefined;
  let next = status.dates.validUntil;
  for (const pks of status.pks) if (pks.stage === 'active' && pks.validUntil && (next === undefined || pks.validUntil < next)) next = pks.validUntil;
  return next;
}
