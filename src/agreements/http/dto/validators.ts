import { Matches, ValidateBy, type ValidationOptions } from 'class-validator';
import { isIsoDate } from '../../domain/dates';

/** A calendar date `YYYY-MM-DD` that exists. */
export const IsIsoDate = (options?: ValidationOptions): PropertyDecorator =>
  ValidateBy(
    {
      name: 'isIsoDate',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isIsoDate(value),
        defaultMessage: (args) => `${args?.property} must be a calendar date YYYY-MM-DD`,
      },
    },
    options,
  );

/** A SHA-256 digest in hex, as documents and evidence are referenced. */
export const IsSha256 = (options?: ValidationOptions): PropertyDecorator =>
  Matches(/^[0-9a-f]{64}$/, { message: '$property must be a SHA-256 digest (64 lowercase hex characters)', ...options });
