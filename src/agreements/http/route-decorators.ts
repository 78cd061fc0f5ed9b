import { BadRequestException, Param, ParseIntPipe, ParseUUIDPipe } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';

const invalidParam = (field: string, rule: string, message: string): BadRequestException =>
  new BadRequestException({ message: `${field}: ${message}`, errors: [{ field, rule, message }] });

/** The `:agreementId` path parameter: a UUID v4, as proposals are numbered. */
export const AgreementIdParam = (): ParameterDecorator =>
  Param(
    'agreementId',
    new ParseUUIDPipe({ version: '4', exceptionFactory: () => invalidParam('agreementId', 'isUuid', 'must be a UUID v4') }),
  );

/** The `:version` path parameter of a draft. */
export const DraftVersionParam = (): ParameterDecorator =>
  Param('version', new ParseIntPipe({ exceptionFactory: () => invalidParam('version', 'isInt', 'must be an integer') }));

/** Documents the `Idempotency-Key` header every command route accepts. */
export const AcceptsIdempotencyKey = (): ClassDecorator & MethodDecorator =>
  ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Repeating a key replays the first result and writes nothing new.' });
