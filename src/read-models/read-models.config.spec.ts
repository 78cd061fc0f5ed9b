import { join } from 'node:path';
import { ReadModelsConfig } from './read-models.config';

const dataDir = '/srv/sinergi';

describe('the read models configuration', () => {
  it('keeps them in a SQLite file beside the event store by default', () => {
    const config = ReadModelsConfig.from({ dataDir }, {});
    expect(config.store).toEqual({ adapter: 'sqlite', file: join(dataDir, 'read-models.sqlite') });
    expect(config.location).toEqual({ adapter: 'sqlite', location: join(dataDir, 'read-models.sqlite') });
  });

  it('puts them on PostgreSQL at SINERGI_READ_MODELS_URL, in the schema read_models unless another is named', () => {
    const url = 'postgres://sinergi:secret@db:5432/sinergi';
    expect(ReadModelsConfig.from({ dataDir }, { SINERGI_READ_MODELS: 'postgres', SINERGI_READ_MODELS_URL: url }).store).toEqual({
      adapter: 'postgres',
      url,
      schema: 'read_models',
    });
    const named = ReadModelsConfig.from({ dataDir }, { SINERGI_READ_MODELS: 'postgres', SINERGI_READ_MODELS_URL: url, SINERGI_READ_MODELS_SCHEMA: 'bengkulu' });
    expect(named.store).toMatchObject({ schema: 'bengkulu' });
  });

  it("falls back on the event store's SINERGI_POSTGRES_URL", () => {
    const url = 'postgres://sinergi@db/sinergi';
    expect(ReadModelsConfig.from({ dataDir }, { SINERGI_READ_MODELS: 'postgres', SINERGI_POSTGRES_URL: url }).store).toMatchObject({ url });
    const own = 'postgres://reader@replica/sinergi';
    expect(
      ReadModelsConfig.from({ dataDir }, { SINERGI_READ_MODELS: 'postgres', SINERGI_POSTGRES_URL: url, SINERGI_READ_MODELS_URL: own }).store,
    ).toMatchObject({ url: own });
  });

  it('shows where they are with the password masked', () => {
    const config = ReadModelsConfig.from({ dataDir }, { SINERGI_READ_MODELS: 'postgres', SINERGI_READ_MODELS_URL: 'postgres://sinergi:secret@db:5432/sinergi' });
    expect(config.location).toEqual({ adapter: 'postgres', location: 'postgres://sinergi:***@db:5432/sinergi', schema: 'read_models' });
  });

  it('says what to set when PostgreSQL is chosen without a URL, or an unknown store is named', () => {
    expect(() => ReadModelsConfig.from({ dataDir }, { SINERGI_READ_MODELS: 'postgres' })).toThrow(/SINERGI_READ_MODELS_URL/);
    expect(() => ReadModelsConfig.from({ dataDir }, { SINERGI_READ_MODELS: 'mysql' })).toThrow('SINERGI_READ_MODELS must be one of sqlite, postgres, got "mysql"');
  });
});
