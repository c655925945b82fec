/**
 * Which addresses a webhook may be sent to. Loopback, private, link-local (cloud metadata
 * at 169.254.169.254), shared, multicast and reserved ranges are refused unless the
 * configuration allows them (`webhooks.allowTargets`): otherwise an admin could make the
 * server call internal services, and read the delivery log as a port scan. The check is
 * made on the address actually connected to, after DNS, so a name that resolves to a
 * public address when the webhook is saved and to an internal one later gains nothing.
 */
import { BlockList, isIP } from 'node:net';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';

const REFUSED_V4 = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const;
const REFUSED_V6 = [
  ['::', 128],
  ['::1', 128],
  // NAT64: an IPv4 address in disguise (IPv4-mapped ones are unmapped and checked as IPv4).
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const;

const refused = new BlockList();
for (const [network, prefix] of REFUSED_V4) refused.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of REFUSED_V6) refused.addSubnet(network, prefix, 'ipv6');

/** `10.1.2.3`, `10.0.0.0/8`, `::1`, `fd00::/8`: a problem in words, or null when it is one. */
export function targetEntryProblem(entry: string): string | null {
  const [address, prefix, extra] = entry.split('/');
  const family = isIP(address ?? '');
  if (!family || extra !== undefined) return 'must be an IP address or a CIDR such as 10.0.0.0/8';
  if (prefix !== undefined && !(/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128))) return 'has a prefix length out of range';
  return null;
}

/** `::ffff:127.0.0.1` and `::ffff:7f00:1` are 127.0.0.1. */
function unmapped(address: string): { address: string; family: 'ipv4' | 'ipv6' } {
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (dotted) return { address: dotted[1]!, family: 'ipv4' };
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (hex) {
    const [high, low] = [parseInt(hex[1]!, 16), parseInt(hex[2]!, 16)];
    return { address: [high >> 8, high & 255, low >> 8, low & 255].join('.'), family: 'ipv4' };
  }
  return { address, family: isIP(address) === 6 ? 'ipv6' : 'ipv4' };
}

export class WebhookTargets {
  private readonly allowed = new BlockList();

  /** `allow`: addresses and CIDRs (checked with targetEntryProblem) sent to even though internal. */
  constructor(allow: readonly string[] = []) {
    for (const entry of allow) {
      const [address, prefix] = entry.split('/') as [string, string | undefined];
      const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (prefix === undefined) this.allowed.addAddress(address, family);
      else this.allowed.addSubnet(address, Number(prefix), family);
    }
  }

  /** Why a request to this address is refused, or null when it may be sent. */
  refusal(address: string): string | null {
    const { address: plain, family } = unmapped(address);
    if (this.allowed.check(plain, family) || !refused.check(plain, family)) return null;
    return `${address} is an internal address (loopback, private, link-local or reserved); allow it in webhooks.allowTargets to send there`;
  }

  /** A `lookup` for http.request: resolves as usual, then refuses when any address it would connect to is internal. */
  lookup(): typeof dnsLookup {
    const guarded = (hostname: string, options: object, callback: (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => {
      dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
        if (error) return callback(error, []);
        const problem = addresses.map((a) => this.refusal(a.address)).find((p) => p !== null);
        if (problem) return callback(Object.assign(new Error(problem), { code: 'EWEBHOOKTARGET' }), []);
        if ((options as { all?: boolean }).all) return callback(null, addresses);
        callback(null, addresses[0]!.address, addresses[0]!.family);
      });
    };
    return guarded as unknown as typeof dnsLookup;
  }
}
