import { IsNotEmpty, IsString } from 'class-validator';
import { CommandDto } from './propose-agreement.dto';

export class AnswerOfferDto extends CommandDto {
  /** The counterpart answering, by region code. */
  @IsString()
  @IsNotEmpty()
  party!: string;
}
