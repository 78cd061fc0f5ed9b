import type { DocumentStoreSelection } from '../documents.config';
import type { DocumentStore } from '../document-store.port';
import { FileDocumentStore } from './file.document-store';
import { PostgresDocumentStore } from './postgres.document-store';

/** The adapter the configuration names, ready. */
export function openDocumentStore(selection: DocumentStoreSelection): Promise<DocumentStore> {
  switch (selection.adapter) {
    case 'files':
      return FileDocumentStore.open(selection.directory);
    case 'postgres':
      return PostgresDocumentStore.open(selection.url);
  }
}
