import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * A webhook URL the server will not fetch; `reason` is safe to show the user who registered it.
 * The URL itself is not kept: its query string may carry the receiver's token, and errors get logged.
 */
export class DestinationRefusedError extends Error {
  constructor(readonly reason: string) {
    super(`webhook destination refused: ${reason}`);
    this.name = 'DestinationRefusedError';
  }
}

export interface DestinationPolicy {
  /**
   * Lets private, loopback, link-local, unique-local and CGNAT addresses through (an operator's
   * on-premises receiver, the tests' loopback receiver). Cloud metadata, unspecified, multicast and
   * broadcast addresses are refused even then: no legitimate receiver lives there.
   */
  allowPrivate: boolean;
  /** DNS resolution, replaceable only so tests can resolve a name to a chosen address. */
  resolve?: (hostname: string) => Promise<LookupAddress[]>;
}

/** A URL whose every address was checked, and the address a request to it must connect to. */
export interface CheckedDestination {
  url: URL;
  address: string;
  family: 4 | 6;
}

/** Cloud instance-metadata services (AWS, GCP, Azure, OpenStack; AWS's IPv6 one). */
const METADATA = ['169.254.169.254', 'fd00:ec2::254'].map((a) => ipaddr.parse(a).toNormalizedString());
const NEVER = new Set(['unspecified', 'multicast', 'broadcast']);

/** Why an address may not be a destination, or null if it may. */
export function addressProblem(address: string, allowPrivate: boolean): string | null {
  let ip: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    ip = ipaddr.parse(address);
  } catch {
    return `${address} is not an IP address`;
  }
  // ::ffff:127.0.0.1 reaches 127.0.0.1: judge the IPv4 address it carries.
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address();
  if (METADATA.includes(ip.toNormalizedString())) return `${address} is a cloud metadata address`;
  const range = ip.range();
  if (range === 'unicast') return null;
  if (NEVER.has(range)) return `${address} is a ${range} address`;
  // Everything else ipaddr.js names (private, loopback, linkLocal, uniqueLocal, carrierGradeNat,
  // reserved, 6to4, teredo, …) is not a plain public address: only the operator may allow it.
  return allowPrivate ? null : `${address} is a ${range} address (not public)`;
}

const systemResolve = (hostname: string) =>
  new Promise<LookupAddress[]>((resolve, reject) =>
    dnsLookup(hostname, { all: true, verbatim: true }, (err, addresses) => (err ? reject(err) : resolve(addresses))),
  );

/**
 * Refuses anything but http(s) and, unless allowed, any name with even one non-public address
 * (a name resolving to a public and a private address would otherwise win half the time). The
 * returned address is the one to connect to: resolving again at connect time would let a DNS
 * answer with a short TTL swap in another address after the check (DNS rebinding).
 */
export async function checkDestination(rawUrl: string, policy: DestinationPolicy): Promise<CheckedDestination> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new DestinationRefusedError('not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new DestinationRefusedError(`scheme ${url.protocol} is not http or https`);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: LookupAddress[];
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
  else {
    try {
      addresses = await (policy.resolve ?? systemResolve)(host);
    } catch (err) {
      throw new DestinationRefusedError(`${host} does not resolve (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  if (!addresses.length) throw new DestinationRefusedError(`${host} has no address`);
  for (const a of addresses) {
    const problem = addressProblem(a.address, policy.allowPrivate);
    if (problem) throw new DestinationRefusedError(problem);
  }
  const first = addresses[0]!;
  return { url, address: first.address, family: first.family === 6 ? 6 : 4 };
}
