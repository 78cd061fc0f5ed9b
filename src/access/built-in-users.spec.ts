import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BuiltInUsers } from './built-in-users';

describe('built-in users: tokens', () => {
  let dir: string;
  let server: BuiltInUsers;
  let cli: BuiltInUsers;
  const anyRegion = () => true;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sinergi-users-'));
    // The server's connection and, on the same file, the one `sinergi user ...` opens in another process.
    server = BuiltInUsers.open(join(dir, 'access.sqlite'));
    cli = BuiltInUsers.open(join(dir, 'access.sqlite'));
  });

  afterEach(() => {
    server.close();
    cli.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('knows a token from its first request on, and again from memory', () => {
    const { token } = cli.add({ userId: 'kb-36', name: 'Koordinator Banten', role: 'coordinator', region: '36' }, anyRegion);
    const first = server.principalFor(token);
    expect(first).toEqual({ userId: 'kb-36', name: 'Koordinator Banten', role: 'coordinator', region: '36', national: false, via: 'api-token' });
    expect(server.principalFor(token)).toBe(first);
    expect(server.principalFor(`${token}x`)).toBeUndefined();
  });

  it('refuses a token at once when another process revokes it', () => {
    const { token } = cli.add({ userId: 'kb-36', name: 'Koordinator Banten', role: 'coordinator', region: '36' }, anyRegion);
    expect(server.principalFor(token)?.userId).toBe('kb-36');
    cli.revoke('kb-36');
    expect(server.principalFor(token)).toBeUndefined();
  });

  it('refuses a token at once when this process revokes it', () => {
    const { token } = server.add({ userId: 'kb-36', name: 'Koordinator Banten', role: 'coordinator', region: '36' }, anyRegion);
    expect(server.principalFor(token)?.userId).toBe('kb-36');
    server.revoke('kb-36');
    expect(server.principalFor(token)).toBeUndefined();
  });
});
