import { Module } from '@nestjs/common';
import { FieldsOfCooperationController } from './fields.controller';
import { RegionsController } from './regions.controller';

/** The browser app's server side: its static files are mounted by `serveWebApp`; this module adds what they read. */
@Module({ controllers: [RegionsController, FieldsOfCooperationController] })
export class WebModule {}
