import { KurrentDbEventStore } from '../../src/infrastructure/kurrentdb/kurrentdb.event-store';
import { type KurrentDbStandIn, startKurrentDbStandIn } from '../support/kurrentdb-stand-in';
import { eventStoreContract } from './event-store.contract';

// A real KurrentDB 25.1 server when KURRENTDB_URL names one (e.g. `docker compose up -d kurrentdb` and
// KURRENTDB_URL="kurrentdb://localhost:2113?tls=false"); otherwise the in-process stand-in, which answers only
// what the adapter uses (see test/support/kurrentdb-stand-in.ts).
const serverUrl = process.env.KURRENTDB_URL;

describe(`the KurrentDB event store, on ${serverUrl ? 'the server at KURRENTDB_URL' : 'the in-process stand-in server (tests only)'}`, () => {
  let standIn: KurrentDbStandIn | undefined;
  let url: string;
  beforeAll(async () => {
    if (serverUrl) url = serverUrl;
    else ({ url } = standIn = await startKurrentDbStandIn());
  });
  afterAll(() => standIn?.stop());

  eventStoreContract('KurrentDbEventStore', async () => {
    const store = KurrentDbEventStore.connect(url);
    return { store, close: () => store.close() };
  });
});
