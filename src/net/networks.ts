import ipaddr from 'ipaddr.js';
import { VoipwatchError } from '../errors.ts';

/** Default internal networks of the findings catalog; anything else is "the internet". */
export const DEFAULT_INTERNAL_NETWORKS: readonly string[] = Object.freeze([
  '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '127.0.0.0/8',
  '169.254.0.0/16', 'fc00::/7', 'fe80::/10', '::1/128',
]);

/** Verdicts are cached per address; the cap keeps a scan of the whole internet from growing it. */
const MAX_CACHED_VERDICTS = 65_536;

type ParsedCidr = [ipaddr.IPv4 | ipaddr.IPv6, number];

export class NetworkClassifier {
  private v4: ParsedCidr[] = [];
  private v6: ParsedCidr[] = [];
  /** The IPv4 networks again as [network, mask] words, for addresses in plain dotted-quad form. */
  private v4Words: Array<[number, number]> = [];
  private readonly cache = new Map<string, boolean>();
  networks: readonly string[] = [];

  constructor(cidrs: readonly string[] = DEFAULT_INTERNAL_NETWORKS) {
    this.replace(cidrs);
  }

  /** Takes a new list (the sensor's SIGHUP); a bad list throws and leaves the old one in force. */
  replace(cidrs: readonly string[]): void {
    const v4: ParsedCidr[] = [];
    const v6: ParsedCidr[] = [];
    const normalized: string[] = [];
    for (const raw of cidrs) {
      const text = raw.trim();
      if (text === '') continue;
      let parsed: ParsedCidr;
      try {
        parsed = text.includes('/') ? ipaddr.parseCIDR(text) : toHostCidr(ipaddr.parse(text));
      } catch (cause) {
        throw new VoipwatchError('ERR_CONFIG_CIDR', `not a network in CIDR notation: ${JSON.stringify(text)}`, { cause });
      }
      (parsed[0].kind() === 'ipv4' ? v4 : v6).push(parsed);
      normalized.push(`${parsed[0].toString()}/${parsed[1]}`);
    }
    this.v4 = v4;
    this.v6 = v6;
    this.v4Words = v4.map(([net, bits]) => {
      const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
      return [(wordOf((net as ipaddr.IPv4).octets) & mask) >>> 0, mask];
    });
    this.networks = Object.freeze(normalized);
    this.cache.clear();
  }

  isInternal(ip: string): boolean {
    const hit = this.cache.get(ip);
    if (hit !== undefined) return hit;
    const verdict = this.classify(ip);
    if (this.cache.size >= MAX_CACHED_VERDICTS) this.cache.clear();
    this.cache.set(ip, verdict);
    return verdict;
  }

  private classify(ip: string): boolean {
    // The decoder writes IPv4 addresses as plain dotted quads; ipaddr.js, which also reads
    // octal, hex and shortened forms, is kept for everything else. Same verdicts, a tenth of the time.
    const word = dottedQuadWord(ip);
    if (word >= 0) {
      for (const [net, mask] of this.v4Words) if (((word & mask) >>> 0) === net) return true;
      return false;
    }
    if (!ipaddr.isValid(ip)) return false;
    let addr = ipaddr.parse(ip);
    if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) addr = (addr as ipaddr.IPv6).toIPv4Address();
    const list = addr.kind() === 'ipv4' ? this.v4 : this.v6;
    for (const [net, bits] of list) if (addr.match(net, bits)) return true;
    return false;
  }
}

const wordOf = (octets: readonly number[]): number => ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0;

/** The address as an unsigned 32-bit word when `ip` is four decimal octets 0-255 without leading zeros, else -1. */
function dottedQuadWord(ip: string): number {
  let word = 0, octet = -1, digits = 0, dots = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c === 0x2e) {
      if (digits === 0 || dots === 3) return -1;
      word = word * 256 + octet;
      dots++; octet = -1; digits = 0;
    } else if (c >= 0x30 && c <= 0x39) {
      if (digits > 0 && octet === 0) return -1;
      octet = digits === 0 ? c - 0x30 : octet * 10 + (c - 0x30);
      if (++digits > 3 || octet > 255) return -1;
    } else {
      return -1;
    }
  }
  if (dots !== 3 || digits === 0) return -1;
  return word * 256 + octet;
}

function toHostCidr(addr: ipaddr.IPv4 | ipaddr.IPv6): ParsedCidr {
  return [addr, addr.kind() === 'ipv4' ? 32 : 128];
}
