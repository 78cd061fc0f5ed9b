import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Post, Req } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { RecordedEvent } from '../../core/event';
import type { Principal } from '../../access/principal';
import { type AuthenticatedRequest, CurrentPrincipal } from '../../access/request-actor';
import { type AgreementView, GetAgreement, GetAgreementHistory } from '../application/agreement.queries';
import { AgreementCommandSender } from './agreement-command.sender';
import { ExpiryDto, ExtensionDto, TerminationDto } from './dto/command.dto';
import { CommandResponse, NewDraftVersionResponse } from './dto/command-response.dto';
import {
  AmendAgreementDto,
  AnswerOfferDto,
  ApproveDraftDto,
  DeclineOfferDto,
  ProposeAgreementDto,
  RecordMonevDto,
  ReviseDraftDto,
  ScheduleSigningDto,
  SignAgreementDto,
  SubmitSemesterReportDto,
  WithdrawAgreementDto,
} from './dto/ksb.dto';
import { AcceptsIdempotencyKey, AgreementIdParam, DraftVersionParam } from './route-decorators';

@ApiTags('agreements (KSB)')
@AcceptsIdempotencyKey()
@Controller('agreements')
export class AgreementsController {
  constructor(
    private readonly commands: AgreementCommandSender,
    private readonly queries: QueryBus,
  ) {}

  /** A region offers cooperation to one or more counterparts. */
  @Post()
  propose(@Req() request: AuthenticatedRequest, @Body() body: ProposeAgreementDto): Promise<CommandResponse> {
    const { occurredAt, ...data } = body;
    const id = randomUUID();
    return this.commands.send(request, id, { type: 'ProposeAgreement', data: { agreementId: id, ...data } }, { occurredAt });
  }

  /** The agreement's current state, with its PKS, follow-ups and visits. */
  @Get(':agreementId')
  get(@CurrentPrincipal() viewer: Principal, @AgreementIdParam() id: string): Promise<AgreementView> {
    return this.queries.execute(new GetAgreement(id, viewer));
  }

  /** Every recorded event of the agreement, with who, when and why, hash-chained. */
  @Get(':agreementId/events')
  events(@CurrentPrincipal() viewer: Principal, @AgreementIdParam() id: string): Promise<RecordedEvent[]> {
    return this.queries.execute(new GetAgreementHistory(id, viewer));
  }

  /** A counterpart accepts the offer; when all have, negotiation opens. */
  @Post(':agreementId/acceptances')
  @HttpCode(200)
  accept(@Req() request: AuthenticatedRequest, @AgreementIdParam() id: string, @Body() body: AnswerOfferDto): Promise<CommandResponse> {
    const { occurredAt, ...data } = body;
    return this.commands.send(request, id, { type: 'AcceptOffer', data }, { occurredAt });
  }

  /** A counterpart declines the offer, with a reason; the offer ends. */
  @Post(':agreementId/declines')
  @HttpCode(200)
  decline(@Req() request: AuthenticatedRequest, @AgreementIdParam() id: string, @Body() body: DeclineOfferDto): Promise<CommandResponse> {
    const { occurredAt, ...data } = body;
    return this.commands.send(request, id, { type: 'DeclineOffer', data }, { occurredAt, reason: data.reason });
  }

  /** The proposer withdraws, with a reason, at any time before the last signature. */
  @Post(':agreementId/withdrawal')
  @HttpCode(200)
  withdraw(
    @Req() request: AuthenticatedRequest,
    @AgreementIdParam() id: string,
    @Body() body: WithdrawAgreementDto,
  ): Promise<CommandResponse> {
    const { occurredAt, ...data } = body;
    return this.commands.send(request, id, { type: 'WithdrawAgreement', data }, { occurredAt, reason: data.reason });
  }

  /** A new version of the draft; it resets the TKKSD approvals. */
  @Post(':agreementId/drafts')
  reviseDraft(
    @Req() request: AuthenticatedRequest,
    @AgreementIdParam() id: string,
    @Body() body: ReviseDraftDto,
  ): Promise<NewDraftVersionResponse> {
    const { occurredAt, ...data } = body;
    return this.commands.create(request, id, { type: 'ReviseDraft', data }, { occurredAt }, 'version');
  }

  /** The TKKSD of a party approves a draft version; when every party has approved the latest, signing opens. */
  @Post(':agreementId/drafts/:version/approvals')
  @HttpCode(200)
  approveDraft(
    @Req() request: AuthenticatedRequest,
    @AgreementIdParam() id: string,
    @DraftVersionParam() version: number,
    @Body() body: ApproveDraftDto,
  ): Promise<CommandResponse> {
    const { occurredAt, ...data } = body;
    return this.commands.send(request, id, { type: 'ApproveDraft', data: { ...data, version } }, { occurredAt });
  }

  /** When, where and how the KSB is to be signed. */
  @Post(':agreementId/signing-schedule')
  @HttpCode(200)
  scheduleSigning(
    @Req() request: AuthenticatedRequest,
    @AgreementIdParam() id: string,
    @Body() body: ScheduleSigningDto,
  ): Promise<CommandResponse> {
    const { occurredAt, ...data } = body;
    return this.commands.send(request, id, { type: 'ScheduleSigning', data }, { occurredAt });
  }

  /** A party signs the KSB; the last signature makes it active. */
  @Post(':agreementId/signatures')
  @HttpCode(200)
  sign(@Req() request: AuthenticatedRequest, @AgreementIdParam() id: string, @Body() body: SignAgreementDto): Promise<CommandResponse> {
    const { occurredAt, ...data } = body;
    return this.commands.send(request, id, { type: 'SignAgreement', data }, { occurredAt });
  }

  /** A party's report for one semester (to the governor and the Minister of Home Affairs). */
  @Post(':agreementId/semester-reports')
  @HttpCode(200)
  submitSemesterReport(
    @Req() request: AuthenticatedRequest,
    @AgreementIdParam() id: string,
    @Body() body: SubmitSemesterReportDto,
  ): Promise<CommandResponse> {
    const { occurredAt, ...data } = body;
    return this.commands.send(request, id, { type: 'SubmitSemesterReport', data }, { occurredAt });
  }

  /** A monitoring and evaluation (monev) of the active KSB. */
  @Post(':agreementId/monev')
  @HttpCode(200)
  recordMonev(@Req() request: AuthenticatedRequest, @AgreementIdParam() id: string, @Body() body: RecordMonevDto): Promise<CommandResponse> {
    const { occurredAt, ...data } = body;
    return this.commands.send(request, id, { type: 'RecordMonev', data }, { occurredAt });
  }

  /** An addendum, signed again by every party. */
  @Post(':agreementId/amendments')
  @HttpCode(200)
  amend(@Req() request: AuthenticatedRequest, @AgreementIdParam() id: string, @Body() body: AmendAgreementDto): Promise<CommandResponse> {
    const { occurredAt, ...data } = body;
    return this.commands.send(request, id, { type: 'AmendAgreement', data }, { occurredAt });
  }

  /** A new end date for the active KSB. */
  @Post(':agreementId/extension')
  @HttpCode(200)
  extend(@Req() request: AuthenticatedRequest, @AgreementIdParam() id: string, @Body() body: ExtensionDto): Promise<CommandResponse> {
    const { occurredAt, ...data } = body;
    return this.commands.send(request, id, { type: 'ExtendAgreement', data }, { occurredAt });
  }

  /** Ends the KSB early on a listed ground; its PKS end with it and its open follow-ups are cancelled. */
  @Post(':agreementId/termination')
  @HttpCode(200)
  terminate(@Req() request: AuthenticatedRequest, @AgreementIdParam() id: string, @Body() body: TerminationDto): Promise<CommandResponse> {
    const { occurredAt, ...data } = body;
    return this.commands.send(request, id, { type: 'TerminateAgreement', data }, { occurredAt });
  }

  /** Records that the KSB reached its end date; its PKS end with it and its open follow-ups are cancelled. */
  @Post(':agreementId/expiry')
  @HttpCode(200)
  expire(@Req() request: AuthenticatedRequest, @AgreementIdParam() id: string, @Body() body: ExpiryDto): Promise<CommandResponse> {
    return this.commands.send(request, id, { type: 'ExpireAgreement', data: {} }, { occurredAt: body.occurredAt });
  }
}
