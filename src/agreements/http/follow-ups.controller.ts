import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { Principal } from '../../access/principal';
import { type AuthenticatedRequest, CurrentPrincipal } from '../../access/request-actor';
import { GetFollowUp } from '../application/agreement.queries';
import type { FollowUp } from '../domain/agreement.state';
import { AgreementCommandSender } from './agreement-command.sender';
import { CommandResponse, NewFollowUpResponse } from './dto/command-response.dto';
import {
  AcknowledgeFollowUpDto,
  AssignFollowUpDto,
  CancelFollowUpDto,
  CompleteFollowUpDto,
  ExtendFollowUpDueDateDto,
  ReportFollowUpProgressDto,
} from './dto/follow-up.dto';
import { AcceptsIdempotencyKey, AgreementIdParam } from './route-decorators';

/** Follow-ups (tindak lanjut): tasks for one OPD of one party, under the KSB or one of its PKS. */
@ApiTags('follow-ups (tindak lanjut)')
@AcceptsIdempotencyKey()
@Controller('agreements/:agreementId/follow-ups')
export class FollowUpsController {
  constructor(
    private readonly commands: AgreementCommandSender,
    private readonly queries: QueryBus,
  ) {}

  /** A task for one OPD of one party, with a due date. */
  @Post()
  assign(@Req() request: AuthenticatedRequest, @AgreementIdParam() id: string, @Body() body: AssignFollowUpDto): Promise<NewFollowUpResponse> {
    const { occurredAt, ...data } = body;
    return this.commands.create(request, id, { type: 'AssignFollowUp', data }, { occurredAt }, 'followUpId');
  }

  @Get(':followUpId')
  get(
    @CurrentPrincipal() viewer: Principal,
    @AgreementIdParam() id: string,
    @Param('followUpId') followUpId: string,
  ): Promise<FollowUp> {
    return this.queries.execute(new GetFollowUp(id, followUpId, viewer));
  }

  /** The OPD confirms it has taken the task on. */
  @Post(':followUpId/acknowledgement')
  @HttpCode(200)
  acknowledge(
    @Req() request: AuthenticatedRequest,
    @AgreementIdParam() id: string,
    @Param('followUpId') followUpId: string,
    @Body() body: AcknowledgeFollowUpDto,
  ): Promise<CommandResponse> {
    return this.commands.send(request, id, { type: 'AcknowledgeFollowUp', data: { followUpId } }, { occurredAt: body.occurredAt });
  }

  /** How far the task is, with evidence. */
  @Post(':followUpId/progress')
  @HttpCode(200)
  reportProgress(
    @Req() request: AuthenticatedRequest,
    @AgreementIdParam() id: string,
    @Param('followUpId') followUpId: string,
    @Body() body: ReportFollowUpProgressDto,
  ): Promise<CommandResponse> {
    const { occurredAt, ...data } = body;
    return this.commands.send(request, id, { type: 'ReportFollowUpProgress', data: { followUpId, ...data } }, { occurredAt });
  }

  /** The task is done, with evidence. */
  @Post(':followUpId/completion')
  @HttpCode(200)
  complete(
    @Req() request: AuthenticatedRequest,
    @AgreementIdParam() id: string,
    @Param('followUpId') followUpId: string,
    @Body() body: CompleteFollowUpDto,
  ): Promise<CommandResponse> {
    const { occurredAt, ...data } = body;
    return this.commands.send(request, id, { type: 'CompleteFollowUp', data: { followUpId, ...data } }, { occurredAt });
  }

  /** More time for the task, with a reason. */
  @Post(':followUpId/due-date')
  @HttpCode(200)
  extendDueDate(
    @Req() request: AuthenticatedRequest,
    @AgreementIdParam() id: string,
    @Param('followUpId') followUpId: string,
    @Body() body: ExtendFollowUpDueDateDto,
  ): Promise<CommandResponse> {
    const { occurredAt, ...data } = body;
    const command = { type: 'ExtendFollowUpDueDate', data: { followUpId, ...data } } as const;
    return this.commands.send(request, id, command, { occurredAt, reason: data.reason });
  }

  /** The task is dropped, with a reason. */
  @Post(':followUpId/cancellation')
  @HttpCode(200)
  cancel(
    @Req() request: AuthenticatedRequest,
    @AgreementIdParam() id: string,
    @Param('followUpId') followUpId: string,
    @Body() body: CancelFollowUpDto,
  ): Promise<CommandResponse> {
    const { occurredAt, ...data } = body;
    const command = { type: 'CancelFollowUp', data: { followUpId, ...data } } as const;
    return this.commands.send(request, id, command, { occurredAt, reason: data.reason });
  }
}
