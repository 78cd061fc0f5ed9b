import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import type { SignatoryCapacity } from '../../domain/agreement.events';
import { CommandDto } from './command.dto';
import { SignatoryDto } from './ksb.dto';
import { IsIsoDate, IsRegionCode, IsSha256, SIGNATORY_CAPACITIES } from './validators';
import { IsText } from '../../../http/validation';

export class LeadOpdDto {
  /** The party, by region code. */
  @IsRegionCode()
  party!: string;

  /** The party's OPD that leads the PKS, e.g. `Dinas Kesehatan Provinsi Banten`. */
  @IsText(200)
  opd!: string;
}

export class DraftPksDto extends CommandDto {
  /** The field of cooperation (urusan) of the KSB that this PKS implements. */
  @IsText(200)
  field!: string;

  @IsText(500)
  title!: string;

  /** Exactly one lead OPD per party. */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => LeadOpdDto)
  leadOpds!: LeadOpdDto[];

  /** Term in months from the last signature; the policy bounds it, and the PKS never ends after its KSB. */
  @IsInt()
  @Min(1)
  @Max(1200)
  termMonths!: number;

  /**
   * Parties whose DPRD must approve before signing: the cooperation burdens the public or the region, or its
   * funding is not yet in the current APBD. Empty when the gate applies to nobody.
   */
  @IsArray()
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @IsRegionCode({ each: true })
  dprdRequiredFor!: string[];
}

export class RevisePksDto extends CommandDto {
  /** SHA-256 of the PKS draft document. A new revision asks every DPRD gate again. */
  @IsSha256()
  documentSha256!: string;

  /** What changed in this version. */
  @IsText(5000)
  summary!: string;
}

export class RequestPksDprdApprovalDto extends CommandDto {
  /** The party whose DPRD is asked to approve the latest draft. */
  @IsRegionCode()
  party!: string;
}

export class DecidePksDprdApprovalDto extends CommandDto {
  /** The party whose DPRD decided. */
  @IsRegionCode()
  party!: string;

  @IsBoolean()
  approved!: boolean;

  /** Number of the DPRD decision (keputusan DPRD). */
  @IsText(200)
  decisionNumber!: string;

  @IsString()
  @MaxLength(5000)
  note!: string;
}

export class PksSignatoryDto extends SignatoryDto {
  /** The head of region, or the head of an OPD holding a special power of attorney (SKK). */
  @IsIn(SIGNATORY_CAPACITIES)
  capacity!: SignatoryCapacity;

  /** Number of the special power of attorney (Surat Kuasa Khusus); required when an OPD head signs. */
  @IsOptional()
  @IsText(200)
  skkNumber?: string;
}

export class SignPksDto extends CommandDto {
  /** The signing party, by region code. */
  @IsRegionCode()
  party!: string;

  @ValidateNested()
  @Type(() => PksSignatoryDto)
  signatory!: PksSignatoryDto;

  /** The party's own number for the signed PKS. */
  @IsText(200)
  documentNumber!: string;

  /** Date of the signature; the last one activates the PKS. */
  @IsIsoDate()
  date!: string;

  /** SHA-256 of the copy this party signed, when there is one: Sinergi then keeps its file. */
  @IsOptional()
  @IsSha256()
  documentSha256?: string;
}

export class AmendPksDto extends CommandDto {
  /** SHA-256 of the addendum document. */
  @IsSha256()
  documentSha256!: string;

  /** What the addendum changes. */
  @IsText(5000)
  summary!: string;
}
