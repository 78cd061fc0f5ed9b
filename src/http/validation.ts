import { applyDecorators, BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import type { FieldError } from './api-exception.filter';

function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([rule, message]) => ({ field, rule, message }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** Rejects unknown fields and wrong types; every failure names the field and its rule. */
export function validationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    // Numbers must arrive as JSON numbers: "3" is refused, not silently converted.
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: (errors) => {
      const fieldErrors = flatten(errors);
      return new BadRequestException({
        message: fieldErrors.map((e) => `${e.field}: ${e.message}`).join('; '),
        errors: fieldErrors,
      });
    },
  });
}

/**
 * A text field: a string, not empty, at most `maxLength` characters (each refusal names its own rule). The limit is
 * also declared to OpenAPI, which reads `@MaxLength` only where it is written on the property itself.
 */
export const IsText = (maxLength: number): PropertyDecorator =>
  // Applied in the order the three stacked decorators were (bottom first), so a value breaking several rules is
  // answered with them in the same order.
  applyDecorators(ApiProperty({ maxLength }), MaxLength(maxLength), IsNotEmpty(), IsString());
