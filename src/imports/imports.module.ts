import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AgreementImporter } from './agreement-importer';
import { ImportLimits } from './import-limits';
import { ImportsController } from './imports.controller';

@Module({
  imports: [CqrsModule],
  controllers: [ImportsController],
  providers: [AgreementImporter, { provide: ImportLimits, useFactory: () => ImportLimits.fromEnv() }],
  exports: [AgreementImporter],
})
export class ImportsModule {}
