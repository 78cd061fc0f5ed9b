import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CommandContextFactory } from '../http/command-context';
import { ExecuteAgreementCommandHandler } from './application/agreement.commands';
import { GetAgreementHandler, GetAgreementHistoryHandler } from './application/agreement.queries';
import { AgreementCommandSender } from './http/agreement-command.sender';
import { AgreementsController } from './http/agreements.controller';

@Module({
  imports: [CqrsModule],
  controllers: [AgreementsController],
  providers: [
    ExecuteAgreementCommandHandler,
    GetAgreementHandler,
    GetAgreementHistoryHandler,
    CommandContextFactory,
    AgreementCommandSender,
  ],
})
export class AgreementsModule {}
