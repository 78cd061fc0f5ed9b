import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { Principal } from '../../access/principal';
import { type AuthenticatedRequest, CurrentPrincipal } from '../../access/request-actor';
import { GetPks } from '../application/agreement.queries';
import type { Pks } from '../domain/agreement.state';
import { AgreementCommandSender } from './agreement-command.sender';
import { ExpiryDto, ExtensionDto, TerminationDto } from './dto/command.dto';
import { CommandResponse, NewDraftVersionResponse, NewPksResponse } from './dto/command-response.dto';
import {
  AmendPksDto,
  DecidePksDprdApprovalDto,
  DraftPksDto,
  RequestPksDprdApprovalDto,
  RevisePksDto,
  SignPksDto,
} from './dto/pks.dto';
import { AcceptsIdempotencyKey, AgreementIdParam } from './route-decorators';

/** Implementing agreements (PKS) of an active KSB: they live in the KSB's stream, so they are nested under it. */
@ApiTags('implementing agreements (PKS)')
@AcceptsIdempotencyKey()
@Controller('agreements/:agreementId/pks')
export class PksController {
  constructor(
    private readonly commands: AgreementCommandSender,
    private readonly queries: QueryBus,
  ) {}

  /** A PKS for one field of the KSB, with the lead OPD of each party. */
  @Post()
  draft(@Req() request: AuthenticatedRequest, @AgreementIdParam() id: string, @Body() body: DraftPksDto): Promise<NewPksResponse> {
    const { occurredAt, ...data } = body;
    return this.commands.create(request, id, { type: 'DraftPks', data }, { occurredAt }, 'pksId');
  }

  @Get(':pksId')
  get(@CurrentPrincipal() viewer: Principal, @AgreementIdParam() id: string, @Param('pksId') pksId: string): Promise<Pks> {
    return this.queries.execute(new GetPks(id, pksId, viewer));
  }

  /** A new version of the PKS document; it asks every DPRD gate again. */
  @Post(':pksId/revisions')
  revise(
    @Req() request: AuthenticatedRequest,
    @AgreementIdParam() id: string,
    @Param('pksId') pksId: string,
    @Body() body: RevisePksDto,
  ): Promise<NewDraftVersionResponse> {
    const { occurredAt, ...data } = body;
    return this.commands.create(request, id, { type: 'RevisePks', data: { pksId, ...data } }, { occurredAt }, 'version');
  }

  /** The latest draft goes to a party's DPRD, where the gate applies to that party. */
  @Post(':pksId/dprd-requests')
  @HttpCode(200)
  requestDprdApproval(
    @Req() request: AuthenticatedRequest,
    @AgreementIdParam() id: string,
    @Param('pksId') pksId: string,
    @Body() body: RequestPksDprdApprovalDto,
  ): Promise<CommandResponse> {
    const { occurredAt, ...data } = body;
    return this.commands.send(request, id, { type: 'RequestPksDprdApproval', data: { pksId, ...data } }, { occurredAt });
  }

  /** The DPRD's decision on the latest draft. */
  @Post(':pksId/dprd-decisions')
  @HttpCode(200)
  decideDprdApproval(
    @Req() request: AuthenticatedRequest,
    @AgreementIdParam() id: string,
    @Param('pksId') pksId: string,
    @Body() body: DecidePksDprdApprovalDto,
  ): Promise<CommandResponse> {
    const { occurredAt, ...data } = body;
    return this.commands.send(request, id, { type: 'DecidePksDprdApproval', data: { pksId, ...data } }, { occurredAt });
  }

  /** A party signs the PKS (head of region, or OPD head with an SKK); the last signature makes it active. */
  @Post(':pksId/signatures')
  @HttpCode(200)
  sign(
    @Req() request: AuthenticatedRequest,
    @AgreementIdParam() id: string,
    @Param('pksId') pksId: string,
    @Body() body: SignPksDto,
  ): Promise<CommandResponse> {
    const { occurredAt, ...data } = body;
    return this.commands.send(request, id, { type: 'SignPks', data: { pksId, ...data } }, { occurredAt });
  }

  /** An addendum to the active PKS. */
  @Post(':pksId/amendments')
  @HttpCode(200)
  amend(
    @Req() request: AuthenticatedRequest,
    @AgreementIdParam() id: string,
    @Param('pksId') pksId: string,
    @Body() body: AmendPksDto,
  ): Promise<CommandResponse> {
    const { occurredAt, ...data } = body;
    return this.commands.send(request, id, { type: 'AmendPks', data: { pksId, ...data } }, { occurredAt });
  }

  /** A new end date for the active PKS, never after its KSB's. */
  @Post(':pksId/extension')
  @HttpCode(200)
  extend(
    @Req() request: AuthenticatedRequest,
    @AgreementIdParam() id: string,
    @Param('pksId') pksId: string,
    @Body() body: ExtensionDto,
  ): Promise<CommandResponse> {
    const { occurredAt, ...data } = body;
    return this.commands.send(request, id, { type: 'ExtendPks', data: { pksId, ...data } }, { occurredAt });
  }

  /** Ends the PKS early on a listed ground; its open follow-ups are cancelled. */
  @Post(':pksId/termination')
  @HttpCode(200)
  terminate(
    @Req() request: AuthenticatedRequest,
    @AgreementIdParam() id: string,
    @Param('pksId') pksId: string,
    @Body() body: TerminationDto,
  ): Promise<CommandResponse> {
    const { occurredAt, ...data } = body;
    return this.commands.send(request, id, { type: 'TerminatePks', data: { pksId, ...data } }, { occurredAt });
  }

  /** Records that the PKS reached its end date; its open follow-ups are cancelled. */
  @Post(':pksId/expiry')
  @HttpCode(200)
  expire(
    @Req() request: AuthenticatedRequest,
    @AgreementIdParam() id: string,
    @Param('pksId') pksId: string,
    @Body() body: ExpiryDto,
  ): Promise<CommandResponse> {
    return this.commands.send(request, id, { type: 'ExpirePks', data: { pksId } }, { occurredAt: body.occurredAt });
  }
}
