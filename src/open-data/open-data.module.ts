import { Module } from '@nestjs/common';
import { ReadModelsModule } from '../read-models/read-models.module';
import { OpenDataFeed } from './application/open-data.feed';
import { OpenDataController } from './http/open-data.controller';

@Module({
  imports: [ReadModelsModule],
  controllers: [OpenDataController],
  providers: [OpenDataFeed],
})
export class OpenDataModule {}
