import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CommandContextFactory } from '../http/command-context';
import { ChangeRegionSettingsHandler, GetRegionSettingsHandler } from './application/region-settings.handlers';
import { RegionSettingsController } from './http/region-settings.controller';

@Module({
  imports: [CqrsModule],
  controllers: [RegionSettingsController],
  providers: [ChangeRegionSettingsHandler, GetRegionSettingsHandler, CommandContextFactory],
})
export class RegionSettingsModule {}
