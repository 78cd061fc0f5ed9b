import { OutboundTargets } from './outbound-targets';

describe('a URL a user gives as a webhook', () => {
  const targets = new OutboundTargets();

  it.each([
    ['the loopback address', 'http://127.0.0.1:6379/'],
    ['the loopback address written as a number', 'http://2130706433/'],
    ['the IPv6 loopback address', 'http://[::1]:8080/'],
    ['an IPv4-mapped IPv6 address', 'http://[::ffff:127.0.0.1]/'],
    ['a private address', 'http://10.0.0.5/hook'],
    ['a Docker network address', 'http://172.18.0.3:5432/'],
    ['the cloud metadata address', 'http://169.254.169.254/latest/meta-data/'],
    ['an IPv6 unique local address', 'http://[fd00::1]/'],
    ['a name that resolves to the loopback address', 'http://localhost:3000/health'],
    ['a compose service name', 'http://redis:6379/'],
    ['a name that does not resolve', 'https://tidak-ada.invalid/'],
    ['another scheme', 'file:///etc/passwd'],
    ['credentials in the URL', 'https://user:secret@8.8.8.8/'],
  ])('is refused when it points at %s', async (_what, url) => {
    expect(await targets.problemWith(url)).toEqual(expect.any(String));
  });

  it('is accepted when it points at a public address', async () => {
    expect(await targets.problemWith('https://8.8.8.8/hook')).toBeUndefined();
  });
});

describe('a deployment whose receivers are internal (SINERGI_WEBHOOK_ALLOW)', () => {
  const targets = OutboundTargets.fromList('10.20.0.0/16, 127.0.0.1, wa-gateway.pemda.internal, *.kominfo.internal');

  it('allows the networks, addresses and names it lists', async () => {
    for (const url of ['http://10.20.3.4/hook', 'http://127.0.0.1:9000/', 'http://wa-gateway.pemda.internal/', 'http://bot.kominfo.internal/']) {
      expect(await targets.problemWith(url)).toBeUndefined();
    }
  });

  it('still refuses what it does not list', async () => {
    for (const url of ['http://10.21.0.1/', 'http://127.0.0.2/', 'http://169.254.169.254/', 'http://redis:6379/']) {
      expect(await targets.problemWith(url)).toEqual(expect.any(String));
    }
  });

  it('refuses to start with an entry that is neither a name, an address nor a network', () => {
    expect(() => OutboundTargets.fromList('10.0.0.0/33')).toThrow(/SINERGI_WEBHOOK_ALLOW/);
    expect(() => OutboundTargets.fromList('http://gateway/')).toThrow(/SINERGI_WEBHOOK_ALLOW/);
  });
});
