import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { SinergiConfig } from '../config/sinergi.config';
import { validationPipe } from './validation';

/** Everything about the HTTP edge that is not a module: shared by the server and the e2e tests. */
export function configureApp(app: NestExpressApplication): INestApplication {
  const config = app.get(SinergiConfig);
  app.useBodyParser('json', { limit: config.bodyLimit });
  app.useGlobalPipes(validationPipe());
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Sinergi')
      .setDescription('Cooperation agreements between Indonesian regional governments (KSB, PKS, follow-ups)')
      .setVersion('0.1.0')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  return app;
}
