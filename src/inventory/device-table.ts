/**
 * The device inventory: one entry per IP address seen taking part in VoIP, web-UI or
 * provisioning traffic. Bounded: past the cap the least recently seen device is evicted
 * (counted), so a scan of a whole network cannot exhaust memory.
 */
export type DeviceRole = 'phone' | 'pbx' | 'web-ui' | 'scanner' | 'provisioning-server' | 'web-client';
export type SignalingKind = 'udp' | 'tcp' | 'tls' | 'ws' | 'wss';
export type MediaKind = 'rtp' | 'srtp' | 'zrtp' | 'srtp-dtls';

export interface Device {
  ip: string;
  /** MAC seen as the source of this IP's frames; cleared when that MAC also sources other IPs (a router). */
  mac: string | null;
  userAgent: string | null;
  server: string | null;
  vendor: string | null;
  model: string | null;
  firmware: string | null;
  roles: Set<DeviceRole>;
  sipUsers: Set<string>;
  signaling: Set<SignalingKind>;
  media: Set<MediaKind>;
  firstSeen: number;
  lastSeen: number;
}

export const DEVICE_TABLE_LIMITS = Object.freeze({
  /** devices held at once */
  maxDevices: 200_000,
  /** SIP users remembered per device */
  maxUsersPerDevice: 64,
  /** header text kept per device, in characters */
  maxHeaderLength: 256,
});

const ROUTER_MAC = '';

/** A device in the recency list: `older` and `newer` link the table from least to most recently seen. */
interface Entry { device: Device; older: Entry | null; newer: Entry | null }

export class DeviceTable {
  /**
   * Devices by address, and in a doubly linked list by recency: the oldest is evicted first.
   * Every SIP message touches two devices, and moving an entry in the list is a few pointer
   * writes, where keeping the order in the Map (delete and re-insert) cost a hash-table
   * removal and insertion per touch.
   */
  private readonly byIp = new Map<string, Entry>();
  private oldest: Entry | null = null;
  private newest: Entry | null = null;
  /** MAC → the one IP it sourced, or ROUTER_MAC once it sourced several. */
  private readonly macOwner = new Map<string, string>();
  evicted = 0;

  get size(): number { return this.byIp.size; }

  get(ip: string): Device | undefined { return this.byIp.get(ip)?.device; }

  touch(ip: string, ts: number): Device {
    const entry = this.byIp.get(ip);
    if (entry) {
      const d = entry.device;
      if (ts > d.lastSeen) d.lastSeen = ts;
      if (entry !== this.newest) {
        this.unlink(entry);
        this.append(entry);
      }
      return d;
    }
    if (this.byIp.size >= DEVICE_TABLE_LIMITS.maxDevices) this.evictOldest();
    const d: Device = {
      ip, mac: null, userAgent: null, server: null, vendor: null, model: null, firmware: null,
      roles: new Set(), sipUsers: new Set(), signaling: new Set(), media: new Set(),
      firstSeen: ts, lastSeen: ts,
    };
    const created: Entry = { device: d, older: null, newer: null };
    this.append(created);
    this.byIp.set(ip, created);
    return d;
  }

  observeMac(ip: string, mac: string | null, ts: number): void {
    if (!mac || mac === '00:00:00:00:00:00') return;
    const owner = this.macOwner.get(mac);
    if (owner === undefined) {
      if (this.macOwner.size < DEVICE_TABLE_LIMITS.maxDevices) this.macOwner.set(mac, ip);
    } else if (owner !== ip && owner !== ROUTER_MAC) {
      this.macOwner.set(mac, ROUTER_MAC);
      const previous = this.get(owner);
      if (previous && previous.mac === mac) previous.mac = null;
    }
    if (this.macOwner.get(mac) === ip) this.touch(ip, ts).mac = mac;
  }

  addUser(d: Device, user: string): void {
    if (user && d.sipUsers.size < DEVICE_TABLE_LIMITS.maxUsersPerDevice) d.sipUsers.add(user.slice(0, DEVICE_TABLE_LIMITS.maxHeaderLength));
  }

  /** Every device, least recently seen first. */
  *all(): IterableIterator<Device> {
    for (let e = this.oldest; e !== null; e = e.newer) yield e.device;
  }

  private append(e: Entry): void {
    e.older = this.newest;
    e.newer = null;
    if (this.newest) this.newest.newer = e;
    else this.oldest = e;
    this.newest = e;
  }

  private unlink(e: Entry): void {
    if (e.older) e.older.newer = e.newer;
    else this.oldest = e.newer;
    if (e.newer) e.newer.older = e.older;
    else this.newest = e.older;
    e.older = null;
    e.newer = null;
  }

  private evictOldest(): void {
    const oldest = this.oldest;
    if (!oldest) return;
    this.unlink(oldest);
    this.byIp.delete(oldest.device.ip);
    this.evicted++;
  }
}

export const clipHeader = (value: string): string => value.slice(0, DEVICE_TABLE_LIMITS.maxHeaderLength);

/**
 * Takes what one header says about a device. Vendor, model and firmware are one statement:
 * a different vendor replaces all three, so one device's version is never read against
 * another vendor's model (a softphone on a PC that also serves a web UI).
 */
export function applyFingerprint(d: Device, fp: { vendor: string | null; model: string | null; firmware: string | null }): void {
  if (!fp.vendor) return;
  if (d.vendor !== fp.vendor) {
    d.vendor = fp.vendor; d.model = fp.model; d.firmware = fp.firmware;
    return;
  }
  d.model = fp.model ?? d.model;
  d.firmware = fp.firmware ?? d.firmware;
}
