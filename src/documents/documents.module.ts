import { Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { SinergiConfig } from '../config/sinergi.config';
import { AgreementDocuments } from './agreement-documents';
import { DocumentStore } from './document-store.port';
import { DocumentsConfig } from './documents.config';
import { DocumentsController } from './http/documents.controller';
import { openDocumentStore } from './storage/open-document-store';

/** The documents' store (files or PostgreSQL, from the configuration), their upload, download and checks. */
@Module({
  controllers: [DocumentsController],
  providers: [
    { provide: DocumentsConfig, useFactory: (config: SinergiConfig) => DocumentsConfig.from(config), inject: [SinergiConfig] },
    { provide: DocumentStore, useFactory: (config: DocumentsConfig) => openDocumentStore(config.store), inject: [DocumentsConfig] },
    AgreementDocuments,
  ],
  exports: [DocumentsConfig, DocumentStore, AgreementDocuments],
})
export class DocumentsModule implements OnApplicationShutdown {
  constructor(@Inject(DocumentStore) private readonly store: DocumentStore) {}

  onApplicationShutdown(): Promise<void> {
    return this.store.close();
  }
}
