import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CommandContextFactory } from '../http/command-context';
import { ExecuteAgreementCommandHandler } from './application/agreement.commands';
import { agreementQueryHandlers } from './application/agreement.queries';
import { AgreementCommandSender } from './http/agreement-command.sender';
import { AgreementsController } from './http/agreements.controller';
import { FollowUpsController } from './http/follow-ups.controller';
import { PksController } from './http/pks.controller';
import { ReciprocalVisitsController } from './http/reciprocal-visits.controller';

@Module({
  imports: [CqrsModule],
  controllers: [AgreementsController, ReciprocalVisitsController, PksController, FollowUpsController],
  providers: [ExecuteAgreementCommandHandler, ...agreementQueryHandlers, CommandContextFactory, AgreementCommandSender],
})
export class AgreementsModule {}
