import { Controller, Get, Header } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { FIELDS_OF_COOPERATION, type FieldOfCooperation } from '../agreements/domain/fields-of-cooperation';
import { PublicRoute } from '../access/request-actor';

/** The fields of cooperation (urusan with their codes, and the domain's own themes) with their labels: public data. */
@ApiTags('regions')
@Controller('fields-of-cooperation')
export class FieldsOfCooperationController {
  @Get()
  @PublicRoute()
  @Header('Cache-Control', 'public, max-age=86400')
  all(): readonly FieldOfCooperation[] {
    return FIELDS_OF_COOPERATION;
  }
}
