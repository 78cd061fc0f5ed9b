import { Global, Module } from '@nestjs/common';
import { RegionDirectory } from './domain/region-directory';

/** The regions of Indonesia (provinces, regencies and cities), read once at start. */
@Global()
@Module({
  providers: [{ provide: RegionDirectory, useFactory: () => RegionDirectory.load() }],
  exports: [RegionDirectory],
})
export class RegionsModule {}
