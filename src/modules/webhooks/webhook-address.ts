/**
 * Which addresses a webhook may reach. A URL is refused when any address its host resolves to is
 * loopback, private, link-local (cloud metadata lives at 169.254.169.254), unspecified, shared,
 * multicast or reserved — checked at registration, and again by the delivery's own DNS lookup, whose
 * answer is the address actually connected to (so a name re-pointed after registration, DNS
 * rebinding, gains nothing). The lookup is injectable so tests can stand in for DNS.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Resolves a host name to every address it has (like dns.lookup with `all: true`). */
export type HostLookup = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemLookup: HostLookup = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

const RANGES: [string, number, 'ipv4' | 'ipv6', string][] = [
  ['0.0.0.0', 8, 'ipv4', 'an unspecified address'],
  ['10.0.0.0', 8, 'ipv4', 'a private network'],
  ['100.64.0.0', 10, 'ipv4', 'a shared (carrier-grade NAT) network'],
  ['127.0.0.0', 8, 'ipv4', 'loopback'],
  ['169.254.0.0', 16, 'ipv4', 'link-local (cloud metadata)'],
  ['172.16.0.0', 12, 'ipv4', 'a private network'],
  ['192.0.0.0', 24, 'ipv4', 'a reserved network'],
  ['192.0.2.0', 24, 'ipv4', 'a documentation network'],
  ['192.168.0.0', 16, 'ipv4', 'a private network'],
  ['198.18.0.0', 15, 'ipv4', 'a benchmarking network'],
  ['198.51.100.0', 24, 'ipv4', 'a documentation network'],
  ['203.0.113.0', 24, 'ipv4', 'a documentation network'],
  ['224.0.0.0', 4, 'ipv4', 'multicast'],
  ['240.0.0.0', 4, 'ipv4', 'a reserved network'],
  ['::', 128, 'ipv6', 'an unspecified address'],
  ['::1', 128, 'ipv6', 'loopback'],
  ['fc00::', 7, 'ipv6', 'a private network'],
  ['fe80::', 10, 'ipv6', 'link-local'],
  ['fec0::', 10, 'ipv6', 'a reserved network'],
  ['ff00::', 8, 'ipv6', 'multicast'],
  ['2001:db8::', 32, 'ipv6', 'a documentation network'],
  ['2002::', 16, 'ipv6', 'a 6to4 relay'],
  ['100::', 64, 'ipv6', 'a discard network'],
];

const lists = RANGES.map(([net, prefix, type, reason]) => {
  const list = new BlockList();
  list.addSubnet(net, prefix, type);
  return { list, type, reason };
});

/** IPv4 inside IPv6 (`::ffff:a.b.c.d`, NAT64 `64:ff9b::a.b.c.d`) is judged as the IPv4 address it carries. */
function embeddedIpv4(ipv6: string): string | null {
  const canonical = new URL(`http://[${ipv6}]`).hostname.slice(1, -1);
  const m = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (!m) return null;
  const hi = parseInt(m[1]!, 16);
  const lo = parseInt(m[2]!, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** Why `ip` may not be a webhook target, or null when it is a public address. */
export function blockedReason(ip: string): string | null {
  const family = isIP(ip);
  if (family === 0) return 'not an IP address';
  if (family === 6) {
    const v4 = embeddedIpv4(ip);
    if (v4) return blockedReason(v4);
  }
  const type = family === 4 ? 'ipv4' : 'ipv6';
  return lists.find((l) => l.type === type && l.list.check(ip, type))?.reason ?? null;
}

export class BlockedAddressError extends Error {}

/**
 * Every address of `hostname`, or BlockedAddressError when any of them is not public (unless
 * private targets are allowed). An IP literal is judged as it is, without DNS.
 */
export async function resolveTarget(hostname: string, lookup: HostLookup, allowPrivate: boolean): Promise<ResolvedAddress[]> {
  const host = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  const literal = isIP(host);
  const addresses: ResolvedAddress[] = literal ? [{ address: host, family: literal === 6 ? 6 : 4 }] : await lookup(host);
  if (addresses.length === 0) throw new BlockedAddressError(`${host} has no address`);
  if (allowPrivate) return addresses;
  for (const { address } of addresses) {
    const reason = blockedReason(address);
    if (reason) throw new BlockedAddressError(`${host} resolves to ${address}, ${reason}: webhooks only go to public addresses`);
  }
  return addresses;
}
