import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsIsoDate } from './validators';

export class CommandDto {
  /** When the step happened in the world (ISO 8601); defaults to now. Never in the future. */
  @IsOptional()
  @IsISO8601({ strict: true })
  occurredAt?: string;
}

export class OfferLetterDto {
  /** Number of the offer letter (surat penawaran). */
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  number!: string;

  @IsIsoDate()
  date!: string;
}

export class ProposeAgreementDto extends CommandDto {
  /** Kemendagri code of the proposing region, e.g. `36` (Banten). */
  @IsString()
  @IsNotEmpty()
  proposer!: string;

  /** Codes of the counterpart regions: one or more, distinct. */
  @IsArray()
  @ArrayMinSize(1)
  @IsString({ each: true })
  counterparts!: string[];

  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  title!: string;

  /** Fields of cooperation (urusan): at least one. */
  @IsArray()
  @ArrayMinSize(1)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  fields!: string[];

  @IsString()
  @IsNotEmpty()
  @MaxLength(5000)
  scope!: string;

  @IsIn(['voluntary', 'mandatory'])
  kind!: 'voluntary' | 'mandatory';

  @ValidateNested()
  @Type(() => OfferLetterDto)
  offerLetter!: OfferLetterDto;

  /** Requested term in months; the policy bounds it (60 by default). */
  @IsInt()
  @Min(1)
  @Max(1200)
  termMonths!: number;
}
