import { IsIn, IsISO8601, IsOptional } from 'class-validator';
import { TERMINATION_GROUNDS, type TerminationGround } from '../../domain/agreement.events';
import { IsIsoDate } from './validators';
import { IsText } from '../../../http/validation';

/** What every command body may carry besides its own data. */
export class CommandDto {
  /** When the step happened in the world (ISO 8601); defaults to now. Never in the future. */
  @IsOptional()
  @IsISO8601({ strict: true })
  occurredAt?: string;
}

/** Ends a KSB or a PKS early. */
export class TerminationDto extends CommandDto {
  /** The ground for ending early, as regional cooperation rules list them. */
  @IsIn(TERMINATION_GROUNDS)
  ground!: TerminationGround;

  /** What happened, for the record. */
  @IsText(5000)
  note!: string;
}

/** Moves the end date of a KSB or a PKS, while it is still active. */
export class ExtensionDto extends CommandDto {
  /** The new end date: after the current one, within the policy's longest term; a PKS never ends after its KSB. */
  @IsIsoDate()
  validUntil!: string;
}

/** Records that a KSB or a PKS reached its end date (on or after that date). */
export class ExpiryDto extends CommandDto {}
