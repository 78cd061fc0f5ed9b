import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppModule } from './app.module';
import { SinergiConfig } from './config/sinergi.config';
import { configureApp } from './configure-app';
import { ObservabilityConfig } from './observability/observability.config';

export async function startServer(): Promise<NestExpressApplication> {
  const logger = ObservabilityConfig.fromEnv().logger();
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { bodyParser: false, ...(logger ? { logger } : {}) });
  configureApp(app);
  const config = app.get(SinergiConfig);
  await app.listen(config.port);
  new Logger('Sinergi').log(`listening on http://localhost:${config.port} (API docs at /docs), data in ${config.dataDir}`);
  return app;
}

if (require.main === module) {
  startServer().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
