import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { foldHistory } from '../../core/command-processor';
import type { RecordedEvent } from '../../core/event';
import { EventStore } from '../../core/event-store.port';
import { agreementDecider, agreementStreamId } from '../domain/agreement.decider';
import { AgreementNotFound } from '../domain/agreement.errors';
import type { AgreementState } from '../domain/agreement.state';

export interface AgreementView {
  revision: number;
  state: AgreementState;
}

/** The agreement's current state, folded from its stream. */
export class GetAgreement extends Query<AgreementView> {
  constructor(readonly agreementId: string) {
    super();
  }
}

/** Every event of the agreement (with its PKS, follow-ups and visits), in order, with its envelope. */
export class GetAgreementHistory extends Query<RecordedEvent[]> {
  constructor(readonly agreementId: string) {
    super();
  }
}

@QueryHandler(GetAgreement)
export class GetAgreementHandler implements IQueryHandler<GetAgreement> {
  constructor(private readonly store: EventStore) {}

  async execute({ agreementId }: GetAgreement): Promise<AgreementView> {
    const history = await readExisting(this.store, agreementId);
    return { revision: history[history.length - 1].revision, state: foldHistory(agreementDecider, history) };
  }
}

@QueryHandler(GetAgreementHistory)
export class GetAgreementHistoryHandler implements IQueryHandler<GetAgreementHistory> {
  constructor(private readonly store: EventStore) {}

  execute({ agreementId }: GetAgreementHistory): Promise<RecordedEvent[]> {
    return readExisting(this.store, agreementId);
  }
}

async function readExisting(store: EventStore, agreementId: string): Promise<RecordedEvent[]> {
  const history = await store.readStream(agreementStreamId(agreementId));
  if (history.length === 0) throw new AgreementNotFound();
  return history;
}
