import { Module } from '@nestjs/common';
import { RegionsController } from './regions.controller';

/** The browser app's server side: its static files are mounted by `serveWebApp`; this module adds what they read. */
@Module({ controllers: [RegionsController] })
export class WebModule {}
