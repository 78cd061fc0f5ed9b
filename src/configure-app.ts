import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { AccessConfig } from './access/access.config';
import { SinergiConfig } from './config/sinergi.config';
import { mountQueueBoard } from './reminders/queue-board';
import { serveWebApp } from './web/web-app';
import { validationPipe } from './http/validation';
import { accessLog, inRequestSpan } from './observability/access-log';
import { Metrics } from './observability/metrics';
import { metricsTokenGate } from './observability/metrics.controller';
import { ObservabilityConfig } from './observability/observability.config';

/** Everything about the HTTP edge that is not a module: shared by the server and the e2e tests. */
export function configureApp(app: NestExpressApplication): INestApplication {
  const config = app.get(SinergiConfig);
  const access = app.get(AccessConfig);
  // Explicit: behind a reverse proxy every request comes from the proxy, and the brakes would count everyone as one.
  app.set('trust proxy', access.trustProxy);
  const observability = app.get(ObservabilityConfig);
  const metrics = app.get(Metrics);
  app.use(accessLog(metrics, observability.logFormat));
  app.use(helmet());
  // Before the API's routes and their authentication: the scrape token is not a user's.
  app.use('/metrics', metricsTokenGate(metrics, observability.metricsToken));
  serveWebApp(app);
  // Before the API's routes, with a bearer token check of its own: Nest's guards do not see plain Express routers.
  mountQueueBoard(app);
  // Closed unless origins are named: the API is called with bearer tokens, never cookies, so no credentials mode.
  if (access.corsOrigins.length > 0) {
    app.enableCors({
      origin: [...access.corsOrigins],
      allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'X-Correlation-Id'],
      exposedHeaders: ['Idempotent-Replayed', 'Retry-After', 'WWW-Authenticate'],
    });
  }
  app.useBodyParser('json', { limit: config.bodyLimit });
  app.use(inRequestSpan);
  app.useGlobalPipes(validationPipe());
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Sinergi')
      .setDescription('Cooperation agreements between Indonesian regional governments (KSB, PKS, follow-ups)')
      .setVersion('0.1.0')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'a Sinergi API token (sng_...) or a JWT of the single sign-on' })
      .addSecurityRequirements('bearer')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
}
