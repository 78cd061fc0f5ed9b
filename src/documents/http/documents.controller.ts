import { Controller, Get, HttpCode, Param, Put, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiProduces, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';
import type { Request, Response } from 'express';
import type { Principal } from '../../access/principal';
import { AgreementIdParam } from '../../agreements/http/route-decorators';
import { CurrentPrincipal } from '../../access/request-actor';
import { AgreementDocuments, type KeptDocumentAnswer } from '../agreement-documents';
import type { AgreementDocument } from '../document-check';

export class UploadQuery {
  /** The file's name, as the office calls it (a plain name, no path); kept for downloads. */
  @IsOptional()
  @IsString()
  name?: string;
}

/** The files of the documents an agreement's steps name by their SHA-256. */
@ApiTags('documents')
@Controller('agreements/:agreementId/documents')
export class DocumentsController {
  constructor(private readonly documents: AgreementDocuments) {}

  /** Every document the agreement's steps name, with its state: kept, not-uploaded, missing, does-not-match. */
  @Get()
  list(@CurrentPrincipal() viewer: Principal, @AgreementIdParam() id: string): Promise<AgreementDocument[]> {
    return this.documents.list(viewer, id);
  }

  /**
   * Hands in the file of a document a step named: the request body is the file itself (any Content-Type but JSON),
   * streamed to the store. 201 when kept, 200 when it already was; 409 when no step names the hash or the bytes do
   * not hash to it, 413 above the size limit, 415 unless the content is a PDF, PNG, JPEG, DOCX, XLSX or ODT.
   */
  @Put(':sha256')
  @ApiConsumes('application/octet-stream')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  async upload(
    @CurrentPrincipal() uploader: Principal,
    @AgreementIdParam() id: string,
    @Param('sha256') sha256: string,
    @Query() query: UploadQuery,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ): Promise<KeptDocumentAnswer> {
    const declared = request.header('content-length');
    const answer = await this.documents.upload(uploader, id, sha256, {
      content: request,
      declaredBytes: declared === undefined ? undefined : Number(declared),
      fileName: query.name,
    });
    response.status(answer.alreadyKept ? 200 : 201);
    return answer;
  }

  /** The file, as an attachment with its type read from its content; the bytes are checked against the hash as they go. */
  @Get(':sha256')
  @HttpCode(200)
  @ApiProduces('application/octet-stream')
  async download(
    @CurrentPrincipal() viewer: Principal,
    @AgreementIdParam() id: string,
    @Param('sha256') sha256: string,
    @Res() response: Response,
  ): Promise<void> {
    const document = await this.documents.download(viewer, id, sha256);
    response.attachment(document.fileName);
    response.setHeader('Content-Type', document.mediaType);
    response.setHeader('Content-Length', String(document.size));
    response.setHeader('X-Content-Type-Options', 'nosniff');
    response.setHeader('Cache-Control', 'private, no-store');
    // An altered document breaks off before its last bytes: the client never takes it for whole.
    document.content.on('error', () => response.destroy());
    document.content.pipe(response);
  }
}
