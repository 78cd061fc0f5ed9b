import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { authorizeCommand } from '../../access/agreement-access';
import { type CommandContext, CommandProcessor, type CommandResult } from '../../core/command-processor';
import type { Decider } from '../../core/decider';
import type { Actor } from '../../core/event';
import { RegionDirectory } from '../../regions/region-directory';
import type { AgreementCommand } from '../domain/agreement.commands';
import { agreementDecider, agreementStreamId } from '../domain/agreement.decider';
import type { AgreementEvent } from '../domain/agreement.events';
import type { AgreementState } from '../domain/agreement.state';
import { UnknownRegion } from '../domain/agreement.errors';
import { dateInJakarta } from '../domain/dates';
import { DEFAULT_POLICY } from '../domain/policy';

type WithoutContext<C> = C extends AgreementCommand ? Omit<C, 'context'> : never;
/** A domain command as callers give it: the decision context is added here. */
export type AgreementCommandInput = WithoutContext<AgreementCommand>;

export class ExecuteAgreementCommand extends Command<CommandResult> {
  constructor(
    readonly agreementId: string,
    readonly command: AgreementCommandInput,
    readonly context: CommandContext,
  ) {
    super();
  }
}

interface CommandOfActor {
  actor: Actor;
  command: AgreementCommand;
}

/**
 * The agreement's decider behind the access rules: the actor is authorised against the very state the command is
 * decided on (again on a retry), so a refusal sees the agreement as it is and writes nothing. One shared object,
 * so the command processor's cache of stream states keeps working.
 */
const authorizedAgreementDecider: Decider<AgreementState, CommandOfActor, AgreementEvent> = {
  initialState: agreementDecider.initialState,
  evolve: agreementDecider.evolve,
  decide: ({ actor, command }, state) => {
    authorizeCommand(actor, command, state);
    return agreementDecider.decide(command, state);
  },
};

@CommandHandler(ExecuteAgreementCommand)
export class ExecuteAgreementCommandHandler implements ICommandHandler<ExecuteAgreementCommand> {
  constructor(
    private readonly processor: CommandProcessor,
    private readonly regions: RegionDirectory,
  ) {}

  execute({ agreementId, command, context }: ExecuteAgreementCommand): Promise<CommandResult> {
    if (command.type === 'ProposeAgreement') this.requireKnownRegions(command.data.proposer, command.data.counterparts);
    const decision = { today: dateInJakarta(context.occurredAt), policy: DEFAULT_POLICY };
    const full = { ...command, context: decision } as AgreementCommand;
    return this.processor.handle(
      authorizedAgreementDecider,
      agreementStreamId(agreementId),
      { actor: context.actor, command: full },
      context,
    );
  }

  private requireKnownRegions(proposer: string, counterparts: string[]): void {
    if (!this.regions.find(proposer)) throw new UnknownRegion('proposer', proposer);
    counterparts.forEach((code, i) => {
      if (!this.regions.find(code)) throw new UnknownRegion(`counterparts.${i}`, code);
    });
  }
}
