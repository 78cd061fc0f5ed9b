import { eventStoreBackupAdvice } from './event-store-adapters';

describe('what sinergi backup advises for the events', () => {
  it('is nothing for the SQLite file, which the copy of the data directory holds', () => {
    expect(eventStoreBackupAdvice({ adapter: 'sqlite' }, '/backups/today')).toEqual([]);
  });

  it('is a pg_dump into the backup directory for PostgreSQL, its password never printed', () => {
    const advice = eventStoreBackupAdvice({ adapter: 'postgres', url: 'postgres://sinergi:secret@db:5432/sinergi' }, '/backups/today').join('\n');
    expect(advice).toContain("pg_dump --format=custom --no-owner --no-acl --file=/backups/today/events.pgdump 'postgres://sinergi:***@db:5432/sinergi'");
    expect(advice).not.toContain('secret');
  });

  it("is KurrentDB's own procedure for KurrentDB", () => {
    expect(eventStoreBackupAdvice({ adapter: 'kurrentdb', url: 'kurrentdb://node:2113?tls=false' }, '/backups/today').join('\n')).toContain("KurrentDB's own procedure");
  });
});
