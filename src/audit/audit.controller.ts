import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiProduces, ApiTags } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import type { Response } from 'express';
import type { Principal } from '../access/principal';
import { IsIsoDate } from '../agreements/http/dto/validators';
import { AgreementIdParam } from '../agreements/http/route-decorators';
import { CsvDialectQuery, csvDialectOf } from '../http/csv-query';
import { AllowedRoles, CurrentPrincipal, PublicRoute } from '../access/request-actor';
import { type AgreementAsOf, type AgreementChanges, type TimeBasis, TIME_BASES } from './agreement-audit';
import { type AgreementExport, EXPORT_FORMATS, type ExportFormat, exportAsCsv, exportIntact } from './audit-export';
import { PointInTimeRequired } from './audit.errors';
import { LogCheckpoints } from './log-checkpoints';
import {
  type AuditTrail,
  ExportAgreement,
  ExportRegionPortfolio,
  GetAgreementAsOf,
  GetAgreementChanges,
  GetAuditBundle,
  GetAuditTrail,
  type LogVerification,
  type RegionPortfolioExport,
  VerifyEventLog,
} from './audit.queries';

export class AsOfQuery {
  /** End of this day in the agreement's time zone (its proposer's). */
  @IsOptional()
  @IsIsoDate()
  date?: string;

  /** A revision of the agreement's stream (0 = the proposal). */
  @IsOptional()
  @Matches(/^\d{1,9}$/, { message: 'revision must be a whole number' })
  revision?: string;

  /** `occurred` (default): by when steps happened in the world; `recorded`: by when the store recorded them. */
  @IsOptional()
  @IsIn(TIME_BASES)
  basis?: TimeBasis;
}

export class ChangesQuery {
  @IsIsoDate()
  from!: string;

  @IsIsoDate()
  to!: string;

  @IsOptional()
  @IsIn(TIME_BASES)
  basis?: TimeBasis;
}

export class ExportQuery extends CsvDialectQuery {
  @IsOptional()
  @IsIn(EXPORT_FORMATS)
  format?: ExportFormat;
}

export class VerifyQuery {
  /** Verify up to this global position (where a seal was written down); default: the whole log. */
  @IsOptional()
  @Matches(/^\d{1,15}$/, { message: 'at must be a whole number' })
  at?: string;

  /** A seal written down earlier for position `at`: the answer says whether the log still has it. */
  @IsOptional()
  @Matches(/^[0-9a-fA-F]{64}$/, { message: 'seal must be 64 hex characters' })
  seal?: string;

  /** `false`: check the events only, not the documents they name (reading every document back takes a while). */
  @IsOptional()
  @IsIn(['true', 'false'])
  documents?: 'true' | 'false';

  /**
   * `true`: hash every event of the log again. By default, once a checkpoint was signed, only the events after the
   * latest one are hashed again and the stored hashes before it are checked against its signed seal.
   */
  @IsOptional()
  @IsIn(['true', 'false'])
  full?: 'true' | 'false';
}

/** The auditor's tools: history, time travel, differences, exports, and the tamper check of the whole log. */
@ApiTags('audit')
@Controller('audit')
export class AuditController {
  constructor(
    private readonly queries: QueryBus,
    private readonly checkpoints: LogCheckpoints,
  ) {}

  /**
   * Every step of the agreement, its PKS, follow-ups and visits, in order: actor, role, region, occurred-at,
   * recorded-at, reason; and, apart, the reminders sent about it (who, which deadline, which channel, when, outcome).
   */
  @Get('agreements/:agreementId/history')
  history(@CurrentPrincipal() viewer: Principal, @AgreementIdParam() id: string): Promise<AuditTrail> {
    return this.queries.execute(new GetAuditTrail(id, viewer));
  }

  /** The agreement as it stood at the end of a date (in its proposer's time zone) or at a revision. */
  @Get('agreements/:agreementId/as-of')
  asOf(@CurrentPrincipal() viewer: Principal, @AgreementIdParam() id: string, @Query() query: AsOfQuery): Promise<AgreementAsOf> {
    const { date, revision, basis = 'occurred' } = query;
    if ((date === undefined) === (revision === undefined)) throw new PointInTimeRequired();
    const point = date !== undefined ? { date, basis } : { revision: Number(revision) };
    return this.queries.execute(new GetAgreementAsOf(id, point, viewer));
  }

  /** What changed between the end of one date and the end of another, path by path, with the steps in between. */
  @Get('agreements/:agreementId/diff')
  diff(@CurrentPrincipal() viewer: Principal, @AgreementIdParam() id: string, @Query() query: ChangesQuery): Promise<AgreementChanges> {
    return this.queries.execute(new GetAgreementChanges(id, query.from, query.to, query.basis ?? 'occurred', viewer));
  }

  /** The history, state and reminders for the record, as JSON or CSV, with both streams' hash chains checked. */
  @Get('agreements/:agreementId/export')
  @ApiProduces('application/json', 'text/csv')
  async export(
    @CurrentPrincipal() viewer: Principal,
    @AgreementIdParam() id: string,
    @Query() query: ExportQuery,
    @Res({ passthrough: true }) response: Response,
  ): Promise<AgreementExport | string> {
    const exported = await this.queries.execute(new ExportAgreement(id, viewer));
    const format = query.format ?? 'json';
    response.setHeader('Content-Disposition', `attachment; filename="agreement-${id}.${format}"`);
    response.setHeader('Sinergi-Chain-Intact', String(exportIntact(exported)));
    if (format === 'json') return exported;
    response.setHeader('Content-Type', 'text/csv; charset=utf-8');
    return exportAsCsv([exported], [`Sinergi export of agreement ${id} at ${exported.exportedAt}`], csvDialectOf(query));
  }

  /**
   * One ZIP for the auditor to take away: the agreement's documents (each checked against its SHA-256), its history
   * as JSON and CSV, and `verification.json` with the hash chains, the seal of the whole log and each document's state.
   */
  @Get('agreements/:agreementId/bundle')
  @ApiProduces('application/zip')
  async bundle(@CurrentPrincipal() viewer: Principal, @AgreementIdParam() id: string, @Res() response: Response): Promise<void> {
    const { zip, verification } = await this.queries.execute(new GetAuditBundle(id, viewer));
    response.setHeader('Content-Type', 'application/zip');
    response.setHeader('Content-Disposition', `attachment; filename="agreement-${id}-bundle.zip"`);
    response.setHeader('Sinergi-Chain-Intact', String(verification.agreementChainIntact && verification.log.intact));
    response.setHeader('Sinergi-Documents-Intact', String(verification.documentsIntact));
    // A document altered while the ZIP is written breaks the download off: the ZIP is never taken for whole.
    zip.on('error', () => response.destroy());
    zip.pipe(response);
  }

  /**
   * The region's portfolio figures and every agreement it is a party to, each with its history and its hash chain
   * checked, as JSON or CSV: for the region's own users and national auditors.
   */
  @Get('regions/:code/export')
  @ApiProduces('application/json', 'text/csv')
  async exportRegion(
    @CurrentPrincipal() viewer: Principal,
    @Param('code') code: string,
    @Query() query: ExportQuery,
    @Res({ passthrough: true }) response: Response,
  ): Promise<RegionPortfolioExport | string> {
    const exported = await this.queries.execute(new ExportRegionPortfolio(code, viewer));
    const format = query.format ?? 'json';
    response.setHeader('Content-Disposition', `attachment; filename="region-${code}-portfolio.${format}"`);
    response.setHeader('Sinergi-Chain-Intact', String(exported.agreements.every(exportIntact)));
    if (format === 'json') return exported;
    response.setHeader('Content-Type', 'text/csv; charset=utf-8');
    const { total, byStage } = exported.portfolio;
    const stages = Object.entries(byStage).map(([stage, count]) => `${stage} ${count}`).join(', ');
    return exportAsCsv(exported.agreements, [
      `Sinergi portfolio of region ${code} at ${exported.exportedAt}: ${total} agreements (${stages})`,
    ], csvDialectOf(query));
  }

  /**
   * The public key (PEM, Ed25519) that signs the log's checkpoints, and its id: public, so that anyone holding an
   * export can check it. Compare it with what `sinergi audit key` prints on the server.
   */
  @Get('key')
  @PublicRoute()
  key(): { algorithm: 'Ed25519'; keyId: string; publicKey: string } {
    return { algorithm: 'Ed25519', keyId: this.checkpoints.key.keyId, publicKey: this.checkpoints.key.publicKeyPem };
  }

  /**
   * Recomputes every stream's hash chain and the global order, naming the first event changed, removed, inserted or
   * reordered, and gives the seal of the log up to the verified position; then reads back every document a step
   * names and reports those that were kept and are missing, or no longer match their SHA-256.
   */
  @Get('verify')
  @AllowedRoles('auditor', 'admin')
  verify(@Query() query: VerifyQuery): Promise<LogVerification> {
    return this.queries.execute(new VerifyEventLog(query.at === undefined ? undefined : Number(query.at), query.seal, query.documents !== 'false', query.full === 'true'));
  }
}
