import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { Principal } from '../../access/principal';
import { type AuthenticatedRequest, CurrentPrincipal } from '../../access/request-actor';
import { GetReciprocalVisit } from '../application/agreement.queries';
import type { ReciprocalVisit } from '../domain/agreement.state';
import { AgreementCommandSender } from './agreement-command.sender';
import { CommandResponse, NewVisitResponse } from './dto/command-response.dto';
import {
  CancelReciprocalVisitDto,
  RecordReciprocalVisitDto,
  RequestReciprocalVisitDto,
  ScheduleReciprocalVisitDto,
} from './dto/ksb.dto';
import { AcceptsIdempotencyKey, AgreementIdParam } from './route-decorators';

/** Reciprocal visits (kunjungan balasan) between the parties of an active KSB. */
@ApiTags('reciprocal visits')
@AcceptsIdempotencyKey()
@Controller('agreements/:agreementId/visits')
export class ReciprocalVisitsController {
  constructor(
    private readonly commands: AgreementCommandSender,
    private readonly queries: QueryBus,
  ) {}

  /** One party asks another to visit it. */
  @Post()
  requestVisit(
    @Req() request: AuthenticatedRequest,
    @AgreementIdParam() id: string,
    @Body() body: RequestReciprocalVisitDto,
  ): Promise<NewVisitResponse> {
    const { occurredAt, ...data } = body;
    return this.commands.create(request, id, { type: 'RequestReciprocalVisit', data }, { occurredAt }, 'visitId');
  }

  @Get(':visitId')
  get(
    @CurrentPrincipal() viewer: Principal,
    @AgreementIdParam() id: string,
    @Param('visitId') visitId: string,
  ): Promise<ReciprocalVisit> {
    return this.queries.execute(new GetReciprocalVisit(id, visitId, viewer));
  }

  /** The date and the delegation of the visit; a scheduled visit may be rescheduled. */
  @Post(':visitId/schedule')
  @HttpCode(200)
  schedule(
    @Req() request: AuthenticatedRequest,
    @AgreementIdParam() id: string,
    @Param('visitId') visitId: string,
    @Body() body: ScheduleReciprocalVisitDto,
  ): Promise<CommandResponse> {
    const { occurredAt, ...data } = body;
    return this.commands.send(request, id, { type: 'ScheduleReciprocalVisit', data: { visitId, ...data } }, { occurredAt });
  }

  /** The visit was held: its summary and outcomes. */
  @Post(':visitId/report')
  @HttpCode(200)
  record(
    @Req() request: AuthenticatedRequest,
    @AgreementIdParam() id: string,
    @Param('visitId') visitId: string,
    @Body() body: RecordReciprocalVisitDto,
  ): Promise<CommandResponse> {
    const { occurredAt, ...data } = body;
    return this.commands.send(request, id, { type: 'RecordReciprocalVisit', data: { visitId, ...data } }, { occurredAt });
  }

  /** The visit will not take place, with a reason. */
  @Post(':visitId/cancellation')
  @HttpCode(200)
  cancel(
    @Req() request: AuthenticatedRequest,
    @AgreementIdParam() id: string,
    @Param('visitId') visitId: string,
    @Body() body: CancelReciprocalVisitDto,
  ): Promise<CommandResponse> {
    const { occurredAt, ...data } = body;
    const command = { type: 'CancelReciprocalVisit', data: { visitId, ...data } } as const;
    return this.commands.send(request, id, command, { occurredAt, reason: data.reason });
  }
}
