import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { authorizeCommand } from './agreement-access';
import { type CommandContext, CommandProcessor, type CommandResult } from '../../core/command-processor';
import type { Decider } from '../../core/decider';
import type { Actor } from '../../core/event';
import { RegionDirectory } from '../../regions/domain/region-directory';
import { RegionPolicies } from '../../regions/region-policies.port';
import type { AgreementCommand } from '../domain/agreement.commands';
import { agreementDecider, agreementStreamId } from '../domain/agreement.decider';
import type { AgreementEvent } from '../domain/agreement.events';
import type { AgreementState } from '../domain/agreement.state';
import { UnknownRegion } from '../domain/agreement.errors';
import { dateInRegion } from '../domain/dates';

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

export interface CommandOfActor {
  actor: Actor;
  command: AgreementCommandInput;
  /** When the step happened in the world: its day is taken in the time zone of the agreement's proposer. */
  occurredAt: string;
}

/** No region: the clock and the policy answer it with their defaults. */
const NO_REGION = '';

/** The commands that open an agreement's stream, naming its parties: a proposal, or the import of one signed before. */
const opensAgreement = (command: AgreementCommandInput): command is Extract<AgreementCommandInput, { type: 'ProposeAgreement' | 'ImportAgreement' }> =>
  command.type === 'ProposeAgreement' || command.type === 'ImportAgreement';

/**
 * The region whose clock and policy an agreement follows: its proposer, the region that offered it and keeps its
 * file. One region decides for all parties, so a deadline has one date for everyone, whatever their time zones.
 */
const decidingRegionOf = (command: AgreementCommandInput, state: AgreementState): string => {
  if (opensAgreement(command)) return command.data.proposer;
  // A step on an unknown agreement: no region decides, the default clock and policy (it is refused anyway).
  return state.stage === 'none' ? NO_REGION : state.proposer;
};

/**
 * The agreement's decider behind the access rules: the actor is authorised against the very state the command is
 * decided on (again on a retry), so a refusal sees the agreement as it is and writes nothing. The day and the
 * policy come from that state too (its proposer's clock and policy).
 */
export function actingAgreementDecider(policies: RegionPolicies): Decider<AgreementState, CommandOfActor, AgreementEvent> {
  return {
    initialState: agreementDecider.initialState,
    evolve: agreementDecider.evolve,
    decide: ({ actor, command, occurredAt }, state) => {
      const region = decidingRegionOf(command, state);
      const context = { today: dateInRegion(occurredAt, region), policy: policies.agreementPolicyOf(region) };
      const full = { ...command, context } as AgreementCommand;
      authorizeCommand(actor, full, state);
      return agreementDecider.decide(full, state);
    },
  };
}

@CommandHandler(ExecuteAgreementCommand)
export class ExecuteAgreementCommandHandler implements ICommandHandler<ExecuteAgreementCommand> {
  /** One object per handler, so the command processor's cache of stream states keeps working. */
  private readonly decider: Decider<AgreementState, CommandOfActor, AgreementEvent>;

  constructor(
    private readonly processor: CommandProcessor,
    private readonly regions: RegionDirectory,
    policies: RegionPolicies,
  ) {
    this.decider = actingAgreementDecider(policies);
  }

  execute({ agreementId, command, context }: ExecuteAgreementCommand): Promise<CommandResult> {
    if (opensAgreement(command)) this.requireKnownRegions(command.data.proposer, command.data.counterparts);
    return this.processor.handle(
      this.decider,
      agreementStreamId(agreementId),
      { actor: context.actor, command, occurredAt: context.occurredAt },
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
