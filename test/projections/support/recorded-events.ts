import { agreementStreamId } from '../../../src/agreements/domain/agreement.decider';
import type { AgreementEvent } from '../../../src/agreements/domain/agreement.events';
import type { IsoDate } from '../../../src/agreements/domain/dates';
import { GENESIS_HASH } from '../../../src/core/hash-chain';
import type { Actor, RecordedEvent } from '../../../src/core/event';

export const AGREEMENT_ID = 'ksb-banten-bengkulu-2025';
export const bantenCoordinator: Actor = { userId: 'koordinator.36', role: 'coordinator', region: '36' };

export interface Envelope {
  agreementId?: string;
  actor?: Actor;
  /** The day it happened (noon in Jakarta). */
  on?: IsoDate;
  reason?: string;
}

/** Domain events as the store would hand them to a projection: in one stream, positions from `from`. */
export function recorded(events: readonly AgreementEvent[], envelope: Envelope = {}, from = 1): RecordedEvent[] {
  const { agreementId = AGREEMENT_ID, actor = bantenCoordinator, on = '2025-10-24', reason } = envelope;
  return events.map((event, i) => ({
    id: `event-${from + i}`,
    streamId: agreementStreamId(agreementId),
    revision: i,
    position: from + i,
    type: event.type,
    schemaVersion: 1,
    data: event.data,
    metadata: {
      actor,
      occurredAt: `${on}T12:00:00+07:00`,
      recordedAt: `${on}T05:00:01.000Z`,
      correlationId: 'correlation',
      causationId: 'causation',
      ...(reason ? { reason } : {}),
    },
    hash: 'hash',
    previousHash: GENESIS_HASH,
  }));
}
