import { IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import type { AgreementKind, MonevRecommendation, SigningMode } from '../../domain/agreement.events';
import { CommandDto } from './command.dto';
import { AGREEMENT_KINDS, IsIsoDate, IsRegionCode, IsSha256, MONEV_RECOMMENDATIONS, SIGNING_MODES } from './validators';
import { IsText } from '../../../http/validation';

export class OfferLetterDto {
  /** Number of the offer letter (surat penawaran). */
  @IsText(200)
  number!: string;

  /** Date of the offer letter. */
  @IsIsoDate()
  date!: string;

  /** SHA-256 of the offer letter, when there is one: Sinergi then keeps its file. */
  @IsOptional()
  @IsSha256()
  documentSha256?: string;
}

export class ProposeAgreementDto extends CommandDto {
  /** Kemendagri code of the proposing region, e.g. `36` (Banten). */
  @IsRegionCode()
  proposer!: string;

  /** Codes of the counterpart regions: one or more, distinct, none of them the proposer. */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsString({ each: true })
  @IsRegionCode({ each: true })
  counterparts!: string[];

  @IsText(500)
  title!: string;

  /** Fields of cooperation (urusan): at least one. */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(200, { each: true })
  fields!: string[];

  @IsText(5000)
  scope!: string;

  /** Voluntary, or mandatory (a cooperation the law requires of the regions). */
  @IsIn(AGREEMENT_KINDS)
  kind!: AgreementKind;

  @ValidateNested()
  @Type(() => OfferLetterDto)
  offerLetter!: OfferLetterDto;

  /** Requested term in months; the policy bounds it (60 by default). */
  @IsInt()
  @Min(1)
  @Max(1200)
  termMonths!: number;
}

export class AnswerOfferDto extends CommandDto {
  /** The counterpart answering, by region code. */
  @IsRegionCode()
  party!: string;
}

export class DeclineOfferDto extends AnswerOfferDto {
  /** Why the counterpart declines: required, and recorded as the event's reason. */
  @IsText(2000)
  reason!: string;
}

export class WithdrawAgreementDto extends CommandDto {
  /** Why the proposer withdraws: required, and recorded as the event's reason. */
  @IsText(2000)
  reason!: string;
}

export class ReviseDraftDto extends CommandDto {
  /** SHA-256 of the draft document; the document itself is kept outside the event store. */
  @IsSha256()
  documentSha256!: string;

  /** What changed in this version. */
  @IsText(5000)
  summary!: string;

  /** A new term in months, when the negotiation changed it; the policy bounds it. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1200)
  termMonths?: number;
}

export class ApproveDraftDto extends CommandDto {
  /** The party whose TKKSD approves the version named in the path. */
  @IsRegionCode()
  party!: string;
}

export class ScheduleSigningDto extends CommandDto {
  @IsIsoDate()
  date!: string;

  /** Where the signing takes place, e.g. `Pendopo Gubernur Banten, KP3B, Serang`. */
  @IsText(500)
  place!: string;

  /** Ceremonial, desk-to-desk (each party signs at its own office), or hybrid. */
  @IsIn(SIGNING_MODES)
  mode!: SigningMode;
}

export class SignatoryDto {
  /** Full name of the signatory, e.g. `Andra Soni`. */
  @IsText(200)
  name!: string;

  /** Position of the signatory, e.g. `Gubernur Banten` or `Pj Bupati Sukamara`. */
  @IsText(200)
  position!: string;
}

/** One party's signature of a document: of the KSB itself, or of an addendum. */
export class PartySignatureDto {
  /** The signing party, by region code. */
  @IsRegionCode()
  party!: string;

  @ValidateNested()
  @Type(() => SignatoryDto)
  signatory!: SignatoryDto;

  /** The party's own number for the signed document (each party registers it in its own numbering). */
  @IsText(200)
  documentNumber!: string;

  /** Date of the signature; parties may sign on different days. */
  @IsIsoDate()
  date!: string;
}

/** A party signs the KSB; the last signature activates it. */
export class SignAgreementDto extends IntersectionType(CommandDto, PartySignatureDto) {
  @IsText(500)
  place!: string;

  /** SHA-256 of the copy this party signed, when there is one: Sinergi then keeps its file. */
  @IsOptional()
  @IsSha256()
  documentSha256?: string;
}

export class RequestReciprocalVisitDto extends CommandDto {
  /** The party that asks for the visit and receives the delegation. */
  @IsRegionCode()
  host!: string;

  /** The party asked to visit. */
  @IsRegionCode()
  visitor!: string;

  @IsText(2000)
  purpose!: string;
}

export class ScheduleReciprocalVisitDto extends CommandDto {
  @IsIsoDate()
  date!: string;

  /** Members of the visiting delegation (names or positions). */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(200, { each: true })
  delegation!: string[];
}

export class RecordReciprocalVisitDto extends CommandDto {
  /** The day the visit was held. */
  @IsIsoDate()
  date!: string;

  @IsText(5000)
  summary!: string;

  /** What the parties agreed on during the visit; may be empty. */
  @IsArray()
  @ArrayMaxSize(200)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(2000, { each: true })
  outcomes!: string[];

  /** SHA-256 of the visit report, when there is one: Sinergi then keeps its file. */
  @IsOptional()
  @IsSha256()
  documentSha256?: string;
}

export class CancelReciprocalVisitDto extends CommandDto {
  /** Why the visit will not take place: recorded as the event's reason. */
  @IsText(2000)
  reason!: string;
}

export class SubmitSemesterReportDto extends CommandDto {
  /** The reporting party. */
  @IsRegionCode()
  party!: string;

  @IsInt()
  @Min(2000)
  @Max(2100)
  year!: number;

  /** 1: January–June (due 31 July); 2: July–December (due 31 January). */
  @IsIn([1, 2])
  semester!: 1 | 2;

  @IsText(10000)
  summary!: string;

  /** SHA-256 of the report document, when there is one. */
  @IsOptional()
  @IsSha256()
  documentSha256?: string;
}

export class RecordMonevDto extends CommandDto {
  /** The party that evaluated. */
  @IsRegionCode()
  party!: string;

  /** Date of the monitoring and evaluation. */
  @IsIsoDate()
  date!: string;

  /** 1 (poor) to 5 (excellent). */
  @IsInt()
  @Min(1)
  @Max(5)
  rating!: number;

  /** Whether the cooperation should continue, be revised, or be terminated. */
  @IsIn(MONEV_RECOMMENDATIONS)
  recommendation!: MonevRecommendation;

  @IsText(5000)
  note!: string;

  /** SHA-256 of the monev report, when there is one: Sinergi then keeps its file. */
  @IsOptional()
  @IsSha256()
  documentSha256?: string;
}

export class AmendAgreementDto extends CommandDto {
  /** SHA-256 of the addendum document. */
  @IsSha256()
  documentSha256!: string;

  /** What the addendum changes. */
  @IsText(5000)
  summary!: string;

  /** Every party signs an addendum again: one signature per party. */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => PartySignatureDto)
  signatures!: PartySignatureDto[];
  /** Fields of cooperation (urusan) the addendum adds: a PKS may then be drafted in them. */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @IsNotEmpty({ each: true })
  @MaxLength(200, { each: true })
  addedFields?: string[];

  /** The scope as the addendum words it anew. */
  @IsOptional()
  @IsText(5000)
  scope?: string;
}
