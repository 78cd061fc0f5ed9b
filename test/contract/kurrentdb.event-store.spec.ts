import { KurrentDbEventStore } from '../../src/infrastructure/kurrentdb/kurrentdb.event-store';
import { eventStoreContract } from './event-store.contract';

const serverUrl = process.env.KURRENTDB_URL;
if (!serverUrl) {
  console.warn(
    'KurrentDB contract suite skipped: no KurrentDB server here. Set KURRENTDB_URL to run it against one ' +
      '(e.g. KURRENTDB_URL="kurrentdb://localhost:2113?tls=false" with `docker compose up -d kurrentdb`; KurrentDB 25.1 or newer).',
  );
}

// The one suite allowed to skip: no KurrentDB server can run on the project's machines.
(serverUrl ? describe : describe.skip)('the KurrentDB event store, on the server at KURRENTDB_URL', () => {
  eventStoreContract('KurrentDbEventStore', async () => {
    const store = KurrentDbEventStore.connect(serverUrl ?? '');
    return { store, close: () => store.close() };
  });
});
