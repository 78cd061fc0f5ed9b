import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { type CommandResult, IdempotencyKeyReused, asDomainEvent } from '../../core/command-processor';
import { type CommandEnvelopeFields, CommandContextFactory } from '../../http/command-context';
import type { AuthenticatedRequest } from '../../access/request-actor';
import { type AgreementCommandInput, ExecuteAgreementCommand } from '../application/agreement.commands';
import { agreementIdOfStream } from '../domain/agreement.decider';
import type { AgreementEvent } from '../domain/agreement.events';
import type { CommandResponse } from './dto/command-response.dto';

/** The ids the API hands out for the sub-resources a command creates. */
interface CreatedIds {
  version: number;
  pksId: string;
  followUpId: string;
  visitId: string;
}

/** The decider numbers what it creates; the id is read back from the recorded event. */
function createdIdsOf(event: AgreementEvent): Partial<CreatedIds> {
  switch (event.type) {
    case 'DraftRevised':
    case 'PksRevised':
      return { version: event.data.version };
    case 'PksDrafted':
      return { pksId: event.data.pksId };
    case 'FollowUpAssigned':
      return { followUpId: event.data.followUpId };
    case 'ReciprocalVisitRequested':
      return { visitId: event.data.visitId };
    default:
      return {};
  }
}

/** What every agreement controller does with a validated body: build the context, send, shape the answer. */
@Injectable()
export class AgreementCommandSender {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly contexts: CommandContextFactory,
  ) {}

  async send(
    request: AuthenticatedRequest,
    agreementId: string,
    command: AgreementCommandInput,
    body: CommandEnvelopeFields,
  ): Promise<CommandResponse> {
    return (await this.execute(request, agreementId, command, body)).response;
  }

  private async execute(
    request: AuthenticatedRequest,
    agreementId: string,
    command: AgreementCommandInput,
    body: CommandEnvelopeFields,
  ): Promise<{ response: CommandResponse; events: CommandResult['events'] }> {
    const context = this.contexts.from(request, body);
    const { streamId, events, ...result } = await this.commandBus.execute(
      new ExecuteAgreementCommand(agreementId, command, context),
    );
    if (result.replayed) request.res?.setHeader('Idempotent-Replayed', 'true');
    // A replayed key answers with the agreement it first acted on, which a proposal does not know in advance.
    const response = {
      agreementId: agreementIdOfStream(streamId),
      ...result,
      events: events.map(({ type, revision }) => ({ type, revision })),
    };
    return { response, events };
  }

  /** Sends a command that creates a sub-resource, and answers with the new sub-resource's id as well. */
  async create<Key extends keyof CreatedIds>(
    request: AuthenticatedRequest,
    agreementId: string,
    command: AgreementCommandInput,
    body: CommandEnvelopeFields,
    key: Key,
  ): Promise<CommandResponse & Pick<CreatedIds, Key>> {
    const { response, events } = await this.execute(request, agreementId, command, body);
    const id = events.map((e) => createdIdsOf(asDomainEvent<AgreementEvent>(e))[key]).find((value) => value !== undefined);
    // Only a replay can lack the id: the key was first used for another command (recorded before keys were
    // tied to their request).
    if (id === undefined) throw new IdempotencyKeyReused();
    return { ...response, [key]: id } as CommandResponse & Pick<CreatedIds, Key>;
  }
}
