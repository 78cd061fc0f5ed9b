import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { DomainError } from '../core/domain-error';

export interface FieldError {
  field: string;
  rule: string;
  message: string;
}

export interface ApiError {
  statusCode: number;
  error: string;
  message: string;
  /** The broken rule, for 403, 409 and domain 400/404 answers, and for refused credentials (401, 429). */
  rule?: string;
  errors?: FieldError[];
}

const STATUS_OF_KIND = {
  invalid: HttpStatus.BAD_REQUEST,
  conflict: HttpStatus.CONFLICT,
  'not-found': HttpStatus.NOT_FOUND,
  forbidden: HttpStatus.FORBIDDEN,
  'too-large': HttpStatus.PAYLOAD_TOO_LARGE,
  'unsupported-type': HttpStatus.UNSUPPORTED_MEDIA_TYPE,
} satisfies Record<DomainError['kind'], HttpStatus>;

/** One error shape for every failure: domain refusals, validation, malformed or oversized bodies. */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const body = this.toApiError(exception);
    if (body.statusCode >= 500) this.logger.error(exception instanceof Error ? exception.stack : String(exception));
    response.status(body.statusCode).json(body);
  }

  private toApiError(exception: unknown): ApiError {
    if (exception instanceof DomainError) {
      const statusCode = STATUS_OF_KIND[exception.kind];
      return {
        statusCode,
        error: HttpStatus[statusCode],
        rule: exception.code,
        message: exception.message,
        ...(exception.field
          ? { errors: [{ field: exception.field, rule: exception.code, message: exception.message }] }
          : {}),
      };
    }
    const bodyParserFailure = bodyParserFailureOf(exception);
    if (bodyParserFailure) return bodyParserFailure;
    if (exception instanceof HttpException) {
      const statusCode = exception.getStatus();
      const payload = exception.getResponse();
      const details = typeof payload === 'object' && payload !== null ? (payload as Partial<ApiError>) : {};
      return {
        statusCode,
        error: HttpStatus[statusCode] ?? 'Error',
        message: typeof details.message === 'string' ? details.message : exception.message,
        ...(typeof details.rule === 'string' ? { rule: details.rule } : {}),
        ...(details.errors ? { errors: details.errors } : {}),
      };
    }
    return { statusCode: 500, error: 'INTERNAL_SERVER_ERROR', message: 'internal error; see the server log' };
  }
}

/** Body-parser's errors, which the Express adapter hands over wrapped in an HttpException (the original is its cause). */
function bodyParserFailureOf(exception: unknown): ApiError | undefined {
  const error = (exception instanceof HttpException ? exception.cause : exception) as { type?: unknown } | undefined;
  if (error?.type === 'entity.parse.failed') {
    const message = 'the request body is not valid JSON';
    return { statusCode: 400, error: 'BAD_REQUEST', message, errors: [{ field: 'body', rule: 'json', message }] };
  }
  if (error?.type === 'entity.too.large') {
    return { statusCode: 413, error: 'PAYLOAD_TOO_LARGE', message: 'the request body is larger than the limit' };
  }
  return undefined;
}
