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
    if (!ipaddr.isValid(ip)) return false;
    let addr = ipaddr.parse(ip);
    if (addr.kind() === 'ipv6' && (addr as ipaddr.IPv6).isIPv4MappedAddress()) addr = (addr as ipaddr.IPv6).toIPv4Address();
    const list = addr.kind() === 'ipv4' ? this.v4 : this.v6;
    for (const [net, bits] of list) if (addr.match(net, bits)) return true;
    return false;
  }
}

function toHostCidr(addr: ipaddr.IPv4 | ipaddr.IPv6): ParsedCidr {
  return [addr, addr.kind() === 'ipv4' ? 32 : 128];
}
