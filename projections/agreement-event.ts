import { agreementIdOfStream, agreementStreamId } from '../src/agreements/domain/agreement.decider';
import type { AgreementEvent } from '../src/agreements/domain/agreement.events';
import { dateInRegion, type IsoDate } from '../src/agreements/domain/dates';
import type { RecordedEvent } from '../src/core/event';

/** A recorded event of an agreement stream, its type narrowing its data. */
export type RecordedAgreementEvent = Omit<RecordedEvent, 'type' | 'data'> & AgreementEvent;

const AGREEMENT_STREAM_PREFIX = agreementStreamId('');

/** The event as an agreement event, when it belongs to an agreement stream. */
export function asAgreementEvent(event: RecordedEvent): RecordedAgreementEvent | undefined {
  return event.streamId.startsWith(AGREEMENT_STREAM_PREFIX) ? (event as RecordedAgreementEvent) : undefined;
}

export const agreementIdOf = (event: Pick<RecordedEvent, 'streamId'>): string => agreementIdOfStream(event.streamId);

/** The calendar day the event happened on in the deciding region, for events whose data carries no date of their own. */
export const dayOf = (event: Pick<RecordedEvent, 'metadata'>, region: string): IsoDate => dateInRegion(event.metadata.occurredAt, region);
