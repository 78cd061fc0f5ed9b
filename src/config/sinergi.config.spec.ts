import { SinergiConfig } from './sinergi.config';

describe('the event store the environment names', () => {
  it('is the embedded SQLite file of the data directory when none is named', () => {
    const config = SinergiConfig.fromEnv({ SINERGI_DATA_DIR: '/srv/sinergi' });
    expect(config.eventStore).toEqual({ adapter: 'sqlite' });
    expect(config.eventStoreLocation).toBe('/srv/sinergi/events.sqlite');
  });

  it('carries the settings its adapter reads, and shows its URL without the password', () => {
    const postgres = SinergiConfig.fromEnv({ SINERGI_EVENT_STORE: 'postgres', SINERGI_POSTGRES_URL: 'postgres://sinergi:secret@db:5432/sinergi' });
    expect(postgres.eventStore).toEqual({ adapter: 'postgres', url: 'postgres://sinergi:secret@db:5432/sinergi' });
    expect(postgres.eventStoreLocation).toBe('postgres://sinergi:***@db:5432/sinergi');
    const kurrent = SinergiConfig.fromEnv({ SINERGI_EVENT_STORE: 'kurrentdb', KURRENTDB_URL: 'kurrentdb://node:2113?tls=false' });
    expect(kurrent.eventStore).toEqual({ adapter: 'kurrentdb', url: 'kurrentdb://node:2113?tls=false' });
  });

  it('says which setting is missing, with an example', () => {
    expect(() => SinergiConfig.fromEnv({ SINERGI_EVENT_STORE: 'postgres' })).toThrow(
      'SINERGI_EVENT_STORE=postgres needs SINERGI_POSTGRES_URL, for example SINERGI_POSTGRES_URL=postgres://sinergi:secret@localhost:5432/sinergi',
    );
    expect(() => SinergiConfig.fromEnv({ SINERGI_EVENT_STORE: 'kurrentdb' })).toThrow(
      'SINERGI_EVENT_STORE=kurrentdb needs KURRENTDB_URL, for example KURRENTDB_URL=kurrentdb://localhost:2113?tls=false',
    );
  });

  it('names every adapter when it is not one of them', () => {
    expect(() => SinergiConfig.fromEnv({ SINERGI_EVENT_STORE: 'mysql' })).toThrow('SINERGI_EVENT_STORE must be one of sqlite, postgres, kurrentdb, got "mysql"');
    expect(() => SinergiConfig.fromEnv({ SINERGI_EVENT_STORE: 'toString' })).toThrow('SINERGI_EVENT_STORE must be one of sqlite, postgres, kurrentdb, got "toString"');
  });
});
