import { plainToInstance } from 'class-transformer';
import { IsNotEmpty, IsOptional, IsString, MaxLength, validateSync } from 'class-validator';
import { IsText } from './validation';

class Stacked {
  @IsString()
  @IsNotEmpty()
  @MaxLength(5)
  name!: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(5)
  note?: string;
}

class Composite {
  @IsText(5)
  name!: string;

  @IsOptional()
  @IsText(5)
  note?: string;
}

/** Where @nestjs/swagger keeps what a property declares (its API_MODEL_PROPERTIES, not exported). */
const API_MODEL_PROPERTIES = 'swagger/apiModelProperties';

const refusals = (type: new () => object, body: object) =>
  validateSync(plainToInstance(type, body)).map(({ property, constraints }) => ({ property, constraints }));

describe('IsText', () => {
  it('refuses what the three stacked decorators refuse, with the same rules in the same order', () => {
    for (const body of [{}, { name: '' }, { name: 'toolong' }, { name: 12345678 }, { name: null }, { name: 'ok' }, { name: 'ok', note: '' }, { name: 'ok', note: 9 }]) {
      // As JSON: the rules' order is part of the answer.
      expect(JSON.stringify(refusals(Composite, body))).toBe(JSON.stringify(refusals(Stacked, body)));
    }
    expect(Object.keys(refusals(Composite, { name: 12345678 })[0].constraints ?? {})).toEqual(['maxLength', 'isString']);
  });

  it('declares its limit to OpenAPI', () => {
    expect(Reflect.getMetadata(API_MODEL_PROPERTIES, Composite.prototype, 'name')).toMatchObject({ maxLength: 5 });
    expect(Reflect.getMetadata(API_MODEL_PROPERTIES, Composite.prototype, 'note')).toMatchObject({ maxLength: 5 });
  });
});
