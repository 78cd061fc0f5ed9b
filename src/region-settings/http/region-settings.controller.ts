import { Body, Controller, Get, Param, Put, Req } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, Length, Matches } from 'class-validator';
import type { Principal } from '../../access/principal';
import { dateInRegion } from '../../agreements/domain/dates';
import { CommandDto } from '../../agreements/http/dto/command.dto';
import { AcceptsIdempotencyKey } from '../../agreements/http/route-decorators';
import type { CommandContext, CommandResult } from '../../core/command-processor';
import { CommandContextFactory } from '../../http/command-context';
import { type AuthenticatedRequest, CurrentPrincipal } from '../../access/request-actor';
import { RegionCodePipe } from '../../read-models/http/read-models.controller';
import { ChangeRegionSettings, GetRegionSettings, type RegionSettingsView } from '../application/region-settings.handlers';
import type { RegionSettingsCommand } from '../domain/region-settings';

class SettingsChangeDto extends CommandDto {
  /** Why it was changed, kept in the region's history. */
  @IsOptional()
  @IsString()
  @Length(1, 500)
  reason?: string;
}

export class ReportSignatoryDto extends SettingsChangeDto {
  /** Jabatan, e.g. `Kepala Biro Pemerintahan dan Otonomi Daerah`. */
  @IsString()
  @Length(2, 200)
  position!: string;

  @IsString()
  @Length(2, 200)
  name!: string;

  /** Nomor Induk Pegawai: 18 digits. */
  @Matches(/^\d{18}$/, { message: 'nip must be 18 digits' })
  nip!: string;
}

export class OpenDataDto extends SettingsChangeDto {
  /** `true`: the region's agreements are published as open data, without a token; `false`: no longer. */
  @IsBoolean()
  published!: boolean;
}

export interface SettingsChanged {
  region: string;
  revision: number;
  position: number;
  events: { type: string; revision: number }[];
}

/**
 * A region's settings: who signs its reports, and whether it publishes open data. Each change is an event of the
 * stream `region-settings-<code>`, set by the region's coordinators or an admin.
 */
@ApiTags('region settings')
@AcceptsIdempotencyKey()
@Controller('regions/:code/settings')
export class RegionSettingsController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly contexts: CommandContextFactory,
  ) {}

  /** The region's settings and every change made to them. */
  @Get()
  get(@CurrentPrincipal() viewer: Principal, @Param('code', RegionCodePipe) region: string): Promise<RegionSettingsView> {
    return this.queries.execute(new GetRegionSettings(region, viewer));
  }

  /** Who signs the region's reports under "Mengetahui": jabatan, name, NIP. */
  @Put('report-signatory')
  setSignatory(@Req() request: AuthenticatedRequest, @Param('code', RegionCodePipe) region: string, @Body() body: ReportSignatoryDto): Promise<SettingsChanged> {
    const { position, name, nip } = body;
    return this.send(request, { type: 'SetReportSignatory', data: { region, position, name, nip } }, this.contexts.from(request, body));
  }

  /** Whether the region's agreements are published at `/open-data` without a token. */
  @Put('open-data')
  setOpenData(@Req() request: AuthenticatedRequest, @Param('code', RegionCodePipe) region: string, @Body() body: OpenDataDto): Promise<SettingsChanged> {
    const context = this.contexts.from(request, body);
    const on = dateInRegion(context.occurredAt, region);
    return this.send(request, { type: 'SetOpenDataPublication', data: { region, published: body.published, on } }, context);
  }

  private async send(request: AuthenticatedRequest, command: RegionSettingsCommand, context: CommandContext): Promise<SettingsChanged> {
    const result: CommandResult = await this.commands.execute(new ChangeRegionSettings(command, context));
    if (result.replayed) request.res?.setHeader('Idempotent-Replayed', 'true');
    return {
      region: command.data.region,
      revision: result.revision,
      position: result.position,
      events: result.events.map(({ type, revision }) => ({ type, revision })),
    };
  }
}
