import { Injectable } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { CommandResult } from '../../core/command-processor';
import { type CommandEnvelopeFields, CommandContextFactory } from '../../http/command-context';
import type { RequestWithActor } from '../../http/request-actor';
import { type AgreementCommandInput, ExecuteAgreementCommand } from '../application/agreement.commands';
import { agreementIdOfStream } from '../domain/agreement.decider';

export interface CommandResponse extends Omit<CommandResult, 'streamId'> {
  agreementId: string;
}

/** What every agreement controller does with a validated body: build the context, send, shape the answer. */
@Injectable()
export class AgreementCommandSender {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly contexts: CommandContextFactory,
  ) {}

  async send(
    request: RequestWithActor,
    agreementId: string,
    command: AgreementCommandInput,
    body: CommandEnvelopeFields,
  ): Promise<CommandResponse> {
    const context = this.contexts.from(request, body);
    const { streamId, ...result } = await this.commandBus.execute(new ExecuteAgreementCommand(agreementId, command, context));
    if (result.replayed) request.res?.setHeader('Idempotent-Replayed', 'true');
    // A replayed key answers with the agreement it first acted on, which a proposal does not know in advance.
    return { agreementId: agreementIdOfStream(streamId), ...result };
  }
}
