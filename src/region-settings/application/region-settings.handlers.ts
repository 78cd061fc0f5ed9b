import { Command, CommandHandler, type ICommandHandler, Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { authorizeRegionSettingsChange, authorizeRegionSettingsRead } from '../../access/region-settings-access';
import type { Principal } from '../../access/principal';
import { type AuditEntry, auditEntryOf } from '../../audit/agreement-audit';
import { type CommandContext, CommandProcessor, type CommandResult, foldHistory } from '../../core/command-processor';
import type { Decider } from '../../core/decider';
import type { Actor } from '../../core/event';
import { EventStore } from '../../core/event-store.port';
import { Registry } from '../../registry/registry';
import {
  type RegionSettings,
  type RegionSettingsCommand,
  type RegionSettingsEvent,
  regionSettingsDecider,
  regionSettingsStreamId,
} from '../domain/region-settings';

export class ChangeRegionSettings extends Command<CommandResult> {
  constructor(
    readonly command: RegionSettingsCommand,
    readonly context: CommandContext,
  ) {
    super();
  }
}

export interface RegionSettingsView extends RegionSettings {
  /** The revision of the region's settings stream; -1 before anything was set. */
  revision: number;
  /** Every change, with who made it, when and why. */
  history: AuditEntry[];
}

export class GetRegionSettings extends Query<RegionSettingsView> {
  constructor(
    readonly region: string,
    readonly viewer: Principal,
  ) {
    super();
  }
}

/** The settings' decider behind the access rule, checked inside the command path: a refusal writes nothing. */
const authorizedSettingsDecider: Decider<RegionSettings, { actor: Actor; command: RegionSettingsCommand }, RegionSettingsEvent> = {
  initialState: regionSettingsDecider.initialState,
  evolve: regionSettingsDecider.evolve,
  decide: ({ actor, command }, state) => {
    authorizeRegionSettingsChange(actor, command.data.region);
    return regionSettingsDecider.decide(command, state);
  },
};

@CommandHandler(ChangeRegionSettings)
export class ChangeRegionSettingsHandler implements ICommandHandler<ChangeRegionSettings> {
  constructor(
    private readonly processor: CommandProcessor,
    private readonly registry: Registry,
  ) {}

  /** Resolves once the registry holds the change: the open data and the reports read it from there. */
  async execute({ command, context }: ChangeRegionSettings): Promise<CommandResult> {
    const result = await this.processor.handle(authorizedSettingsDecider, regionSettingsStreamId(command.data.region), { actor: context.actor, command }, context);
    await this.registry.caughtUpTo(result.position);
    return result;
  }
}

/** A region's settings as its stream folds to now, with every change: what its coordinators and auditors read. */
export async function readRegionSettings(store: EventStore, region: string): Promise<RegionSettingsView> {
  const history = await store.readStream(regionSettingsStreamId(region));
  return {
    ...foldHistory(regionSettingsDecider, history),
    region,
    revision: history.length - 1,
    history: history.map(auditEntryOf),
  };
}

@QueryHandler(GetRegionSettings)
export class GetRegionSettingsHandler implements IQueryHandler<GetRegionSettings> {
  constructor(private readonly store: EventStore) {}

  execute({ region, viewer }: GetRegionSettings): Promise<RegionSettingsView> {
    authorizeRegionSettingsRead(viewer, region);
    return readRegionSettings(this.store, region);
  }
}
