import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Req } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiHeader, ApiTags } from '@nestjs/swagger';
import type { RecordedEvent } from '../../core/event';
import type { RequestWithActor } from '../../http/request-actor';
import { type AgreementView, GetAgreement, GetAgreementHistory } from '../application/agreement.queries';
import { AgreementCommandSender, type CommandResponse } from './agreement-command.sender';
import { ProposeAgreementDto } from './dto/propose-agreement.dto';
import { AnswerOfferDto } from './dto/ksb.dto';

const agreementId = (): ParameterDecorator => Param('agreementId', new ParseUUIDPipe({ version: '4' }));

@ApiTags('agreements (KSB)')
@ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Repeating a key replays the first result and writes nothing new.' })
@Controller('agreements')
export class AgreementsController {
  constructor(
    private readonly commands: AgreementCommandSender,
    private readonly queries: QueryBus,
  ) {}

  /** A region offers cooperation to one or more counterparts. */
  @Post()
  propose(@Req() request: RequestWithActor, @Body() body: ProposeAgreementDto): Promise<CommandResponse> {
    const { occurredAt, ...data } = body;
    const id = randomUUID();
    return this.commands.send(request, id, { type: 'ProposeAgreement', data: { agreementId: id, ...data } }, { occurredAt });
  }

  @Get(':agreementId')
  get(@agreementId() id: string): Promise<AgreementView> {
    return this.queries.execute(new GetAgreement(id));
  }

  /** Every recorded event of the agreement, with who, when and why. */
  @Get(':agreementId/events')
  events(@agreementId() id: string): Promise<RecordedEvent[]> {
    return this.queries.execute(new GetAgreementHistory(id));
  }

  /** A counterpart accepts the offer; when all have, negotiation opens. */
  @Post(':agreementId/acceptances')
  @HttpCode(200)
  accept(@Req() request: RequestWithActor, @agreementId() id: string, @Body() body: AnswerOfferDto): Promise<CommandResponse> {
    const { occurredAt, party } = body;
    return this.commands.send(request, id, { type: 'AcceptOffer', data: { party } }, { occurredAt });
  }
}
