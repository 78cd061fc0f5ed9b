import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOptions } from 'node:dns';
import { promises as dns } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

/**
 * Addresses a URL given by a user must never reach: the server itself, the networks behind it, and cloud metadata
 * endpoints. Otherwise a webhook is a way to make Sinergi call its own Redis, a database's HTTP port or
 * 169.254.169.254, and the recorded outcome of each delivery turns it into a port scanner.
 */
const FORBIDDEN = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12], // private (Docker's networks among them)
  ['192.0.0.0', 24], // protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 3], // multicast, reserved, broadcast
] as const) {
  // Also matches these addresses written IPv4-mapped (::ffff:127.0.0.1): BlockList compares them as IPv4.
  FORBIDDEN.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 127], // unspecified and loopback
  ['64:ff9b::', 96], // NAT64: the same
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4: embeds an IPv4 address
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  FORBIDDEN.addSubnet(network, prefix, 'ipv6');
}

const familyOf = (address: string): 'ipv4' | 'ipv6' => (isIP(address) === 6 ? 'ipv6' : 'ipv4');

/** An entry of the allow-list is malformed: the deployment's configuration is wrong. */
export class InvalidAllowListEntry extends Error {}

/**
 * Which hosts a URL given by a user may reach. Public addresses only, unless the deployment's allow-list
 * (`SINERGI_WEBHOOK_ALLOW`) names a host, a `*.domain`, an address or a network (CIDR) whose receivers are internal.
 * Checked twice: when the URL is saved (`problemWith`, resolving its name) and when a connection is opened
 * (`lookup`, on the addresses actually connected to), so a name that later resolves elsewhere gains nothing.
 */
export class OutboundTargets {
  private readonly names: string[] = [];
  private readonly domains: string[] = [];
  private readonly addresses = new BlockList();

  constructor(allow: readonly string[] = []) {
    for (const entry of allow.map((e) => e.trim().toLowerCase()).filter(Boolean)) {
      const [address, prefix] = entry.split('/');
      if (isIP(address)) {
        const bits = prefix === undefined ? (isIP(address) === 6 ? 128 : 32) : Number(prefix);
        if (!Number.isInteger(bits) || bits < 0 || bits > (isIP(address) === 6 ? 128 : 32)) throw new InvalidAllowListEntry(`"${entry}" is not a network: write 10.20.0.0/16`);
        this.addresses.addSubnet(address, bits, familyOf(address));
      } else if (/^\*\.[a-z0-9.-]+$/.test(entry)) {
        this.domains.push(entry.slice(1));
      } else if (/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(entry)) {
        this.names.push(entry);
      } else {
        throw new InvalidAllowListEntry(`"${entry}" is neither a host name, a *.domain, an address nor a network (CIDR)`);
      }
    }
  }

  /** Comma-separated, as `SINERGI_WEBHOOK_ALLOW` writes it. */
  static fromList(list: string | undefined): OutboundTargets {
    try {
      return new OutboundTargets((list ?? '').split(','));
    } catch (error) {
      throw new Error(`SINERGI_WEBHOOK_ALLOW: ${(error as Error).message}`);
    }
  }

  /**
   * Why the URL may not be called, or undefined when it may: scheme, then the addresses its host resolves to now.
   * A name that does not resolve is refused too: there is nothing to check it against.
   */
  async problemWith(raw: string): Promise<string | undefined> {
    if (!URL.canParse(raw)) return 'it is not a URL';
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'only http and https URLs are called';
    if (url.username || url.password) return 'credentials do not belong in the URL: use the webhook secret';
    const host = hostOf(url);
    if (this.nameAllowed(host)) return undefined;
    if (isIP(host)) return this.addressProblem(host);
    let resolved: LookupAddress[];
    try {
      resolved = await dns.lookup(host, { all: true, verbatim: true });
    } catch {
      return `the name ${host} does not resolve`;
    }
    for (const { address } of resolved) {
      const problem = this.addressProblem(address);
      if (problem) return `${host} resolves to ${problem}`;
    }
    // A single-label name is a service of the local network (a compose service, say), wherever it points today,
    // unless it points into a network the allow-list names.
    const inAllowedNetwork = resolved.every(({ address }) => this.addresses.check(address, familyOf(address)));
    if (!host.includes('.') && !inAllowedNetwork) return `${host} is a name of the local network, not a public host`;
    return undefined;
  }

  /**
   * Why connecting to a URL's host is refused before any lookup: its scheme, or an address written in the URL (a
   * name's addresses are checked by `lookup`, as the connection is opened).
   */
  connectProblem(url: URL): string | undefined {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'only http and https URLs are called';
    const host = hostOf(url);
    if (this.nameAllowed(host)) return undefined;
    return isIP(host) ? this.addressProblem(host) : undefined;
  }

  /**
   * For the `lookup` option of node:http and node:https: resolves as the system does, and fails the connection when
   * an address it would connect to is not public (and not allowed).
   */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    const all = (options as LookupOptions).all === true;
    dnsLookup(hostname, { ...(options as LookupOptions), all: true } as LookupAllOptions, (error, addresses) => {
      if (error) return callback(error, all ? [] : '', undefined);
      if (!this.nameAllowed(hostname.toLowerCase())) {
        for (const { address } of addresses) {
          const problem = this.addressProblem(address);
          if (problem) return callback(new TargetRefused(`${hostname} resolves to ${problem}`), all ? [] : '', undefined);
        }
      }
      if (all) return (callback as (e: null, a: LookupAddress[]) => void)(null, addresses);
      const [first] = addresses;
      callback(null, first.address, first.family);
    });
  };

  /** Why the address is not to be reached, or undefined when it is public or allowed. */
  private addressProblem(address: string): string | undefined {
    const family = familyOf(address);
    if (this.addresses.check(address, family)) return undefined;
    if (FORBIDDEN.check(address, family)) return `${address}, a loopback, private, link-local or reserved address`;
    return undefined;
  }

  private nameAllowed(host: string): boolean {
    return this.names.includes(host) || this.domains.some((domain) => host.endsWith(domain));
  }
}

/** A connection refused at connect time because of where it would go. */
export class TargetRefused extends Error {}

/** The host of a URL without IPv6 brackets or a trailing dot. */
function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '').toLowerCase();
}
