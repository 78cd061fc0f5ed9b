import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsOptional,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { CommandDto } from './command.dto';
import { IsIsoDate, IsRegionCode, IsSha256 } from './validators';
import { IsText } from '../../../http/validation';

export class AssignFollowUpDto extends CommandDto {
  /** The PKS the task belongs to, e.g. `pks-1`; without it, the task follows up the KSB itself. */
  @IsOptional()
  @Matches(/^pks-\d+$/)
  pksId?: string;

  /** The party whose OPD carries the task out. */
  @IsRegionCode()
  party!: string;

  /** The OPD that carries the task out, e.g. `Dinas Kesehatan Provinsi Bengkulu`. */
  @IsText(200)
  opd!: string;

  /** What is to be done. */
  @IsText(2000)
  action!: string;

  /** Not before today; reminders follow from it. */
  @IsIsoDate()
  dueDate!: string;
}

export class AcknowledgeFollowUpDto extends CommandDto {}

export class ReportFollowUpProgressDto extends CommandDto {
  /** Share of the task done, 0 to 100; never below what was already reported. */
  @IsInt()
  @Min(0)
  @Max(100)
  percent!: number;

  @IsText(5000)
  note!: string;

  /** SHA-256 of each piece of evidence (photos, minutes, letters); may be empty. */
  @IsArray()
  @ArrayMaxSize(100)
  @IsSha256({ each: true })
  evidence!: string[];
}

export class CompleteFollowUpDto extends CommandDto {
  @IsText(5000)
  note!: string;

  /** SHA-256 of each piece of evidence: at least one. */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @IsSha256({ each: true })
  evidence!: string[];
}

export class ExtendFollowUpDueDateDto extends CommandDto {
  /** The new due date, after the current one. */
  @IsIsoDate()
  dueDate!: string;

  /** Why more time is given: recorded as the event's reason. */
  @IsText(2000)
  reason!: string;
}

export class CancelFollowUpDto extends CommandDto {
  /** Why the task is dropped: recorded as the event's reason. */
  @IsText(2000)
  reason!: string;
}
