import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { authorizeRead } from './agreement-access';
import type { Principal } from '../../access/principal';
import type { RecordedEvent } from '../../core/event';
import { EventStore } from '../../core/event-store.port';
import { agreementStreamId, recordedAgreementOf } from '../domain/agreement.decider';
import { AgreementNotFound, FollowUpNotFound, PksNotFound, VisitNotFound } from '../domain/agreement.errors';
import type { FollowUp, Pks, RecordedAgreement, ReciprocalVisit } from '../domain/agreement.state';

export interface AgreementView {
  revision: number;
  state: RecordedAgreement;
}

/** The agreement's current state, folded from its stream. */
export class GetAgreement extends Query<AgreementView> {
  constructor(
    readonly agreementId: string,
    readonly viewer: Principal,
  ) {
    super();
  }
}

/** Every event of the agreement (with its PKS, follow-ups and visits), in order, with its envelope. */
export class GetAgreementHistory extends Query<RecordedEvent[]> {
  constructor(
    readonly agreementId: string,
    readonly viewer: Principal,
  ) {
    super();
  }
}

/** One PKS of the agreement, as its events left it. */
export class GetPks extends Query<Pks> {
  constructor(
    readonly agreementId: string,
    readonly pksId: string,
    readonly viewer: Principal,
  ) {
    super();
  }
}

/** One follow-up of the agreement, as its events left it. */
export class GetFollowUp extends Query<FollowUp> {
  constructor(
    readonly agreementId: string,
    readonly followUpId: string,
    readonly viewer: Principal,
  ) {
    super();
  }
}

/** One reciprocal visit of the agreement, as its events left it. */
export class GetReciprocalVisit extends Query<ReciprocalVisit> {
  constructor(
    readonly agreementId: string,
    readonly visitId: string,
    readonly viewer: Principal,
  ) {
    super();
  }
}

@QueryHandler(GetAgreement)
export class GetAgreementHandler implements IQueryHandler<GetAgreement> {
  constructor(private readonly store: EventStore) {}

  async execute({ agreementId, viewer }: GetAgreement): Promise<AgreementView> {
    const history = await readExisting(this.store, agreementId);
    const state = recordedAgreementOf(history);
    authorizeRead(viewer, state);
    return { revision: history[history.length - 1].revision, state };
  }
}

@QueryHandler(GetAgreementHistory)
export class GetAgreementHistoryHandler implements IQueryHandler<GetAgreementHistory> {
  constructor(private readonly store: EventStore) {}

  async execute({ agreementId, viewer }: GetAgreementHistory): Promise<RecordedEvent[]> {
    const history = await readExisting(this.store, agreementId);
    authorizeRead(viewer, recordedAgreementOf(history));
    return history;
  }
}

@QueryHandler(GetPks)
export class GetPksHandler implements IQueryHandler<GetPks> {
  constructor(private readonly store: EventStore) {}

  async execute({ agreementId, pksId, viewer }: GetPks): Promise<Pks> {
    const { pks } = await visibleState(this.store, agreementId, viewer);
    const found = pks.find((p) => p.pksId === pksId);
    if (!found) throw new PksNotFound(pksId);
    return found;
  }
}

@QueryHandler(GetFollowUp)
export class GetFollowUpHandler implements IQueryHandler<GetFollowUp> {
  constructor(private readonly store: EventStore) {}

  async execute({ agreementId, followUpId, viewer }: GetFollowUp): Promise<FollowUp> {
    const { followUps } = await visibleState(this.store, agreementId, viewer);
    const found = followUps.find((f) => f.followUpId === followUpId);
    if (!found) throw new FollowUpNotFound(followUpId);
    return found;
  }
}

@QueryHandler(GetReciprocalVisit)
export class GetReciprocalVisitHandler implements IQueryHandler<GetReciprocalVisit> {
  constructor(private readonly store: EventStore) {}

  async execute({ agreementId, visitId, viewer }: GetReciprocalVisit): Promise<ReciprocalVisit> {
    const { visits } = await visibleState(this.store, agreementId, viewer);
    const found = visits.find((v) => v.visitId === visitId);
    if (!found) throw new VisitNotFound(visitId);
    return found;
  }
}

export const agreementQueryHandlers = [
  GetAgreementHandler,
  GetAgreementHistoryHandler,
  GetPksHandler,
  GetFollowUpHandler,
  GetReciprocalVisitHandler,
];

async function readExisting(store: EventStore, agreementId: string): Promise<RecordedEvent[]> {
  const history = await store.readStream(agreementStreamId(agreementId));
  if (history.length === 0) throw new AgreementNotFound();
  return history;
}

/** The agreement's current state, if the viewer may see it. */
async function visibleState(store: EventStore, agreementId: string, viewer: Principal): Promise<RecordedAgreement> {
  const state = recordedAgreementOf(await readExisting(store, agreementId));
  authorizeRead(viewer, state);
  return state;
}
