import { Matches, ValidateBy, type ValidationOptions } from 'class-validator';
import type { AgreementKind, MonevRecommendation, SignatoryCapacity, SigningMode } from '../../domain/agreement.events';
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

/**
 * Shaped like a Kemendagri code: `36` for a province, `36.04` for a kabupaten or kota. Whether the code
 * exists is checked by the application against the official list.
 */
export const IsRegionCode = (options?: ValidationOptions): PropertyDecorator =>
  Matches(/^\d{2}(\.\d{2})?$/, { message: '$property must be a Kemendagri region code such as 36 or 36.04', ...options });

// Written as records so that a value added to a domain type and forgotten here fails to compile.
const valuesOf = <T extends string>(values: Record<T, true>): T[] => Object.keys(values) as T[];

export const AGREEMENT_KINDS = valuesOf<AgreementKind>({ voluntary: true, mandatory: true });
export const SIGNING_MODES = valuesOf<SigningMode>({ ceremonial: true, 'desk-to-desk': true, hybrid: true });
export const MONEV_RECOMMENDATIONS = valuesOf<MonevRecommendation>({ continue: true, revise: true, terminate: true });
export const SIGNATORY_CAPACITIES = valuesOf<SignatoryCapacity>({ 'head-of-region': true, 'opd-head': true });
