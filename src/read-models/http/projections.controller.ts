import { Controller, Get } from '@nestjs/common';
import { AllowedRoles } from '../../access/request-actor';
import { ApiTags } from '@nestjs/swagger';
import { ProjectionsStatus, type ProjectionsReport } from '../projector/projections-status';

@ApiTags('read models')
@Controller('projections')
export class ProjectionsController {
  constructor(private readonly projections: ProjectionsStatus) {}

  /** Each projection's version, live generation, position, the store's head and the lag between them: for operators. */
  @AllowedRoles('admin')
  @Get()
  status(): Promise<ProjectionsReport> {
    return this.projections.report();
  }
}
