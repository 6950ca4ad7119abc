// An IPv4 pod-CIDR allocator over a cluster CIDR (pure): carve /mask subnets, never hand one out twice.

/** Parses "a.b.c.d/n" into a 32-bit base (masked) and prefix length; throws on malformed input. */
export function parseCidr(s: string): { base: number; prefix: number } {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(s.trim());
  if (!m) throw new Error(`invalid IPv4 CIDR ${JSON.stringify(s)}`);
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) throw new Error(`invalid IPv4 CIDR ${JSON.stringify(s)}`);
  const ip = ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0;
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { base: (ip & mask) >>> 0, prefix };
}

export function formatIp(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

/** Contract: `allocate` returns the lowest free subnet or undefined when full; `occupy`/`release` are idempotent. */
export class CidrAllocator {
  private readonly base: number;
  private readonly prefix: number;
  readonly maskSize: number;
  readonly size: number;
  private readonly used = new Set<number>();
  private next = 0;

  constructor(clusterCidr: string, maskSize: number) {
    const c = parseCidr(clusterCidr);
    if (maskSize < c.prefix || maskSize > 32) throw new Error(`node CIDR mask size ${maskSize} must be within /${c.prefix}../32`);
    if (maskSize - c.prefix > 20) throw new Error(`too many node CIDRs: /${c.prefix} split into /${maskSize}`);
    this.base = c.base;
    this.prefix = c.prefix;
    this.maskSize = maskSize;
    this.size = 2 ** (maskSize - c.prefix);
  }

  private indexOf(cidr: string): number | undefined {
    let c: { base: number; prefix: number };
    try {
      c = parseCidr(cidr);
    } catch {
      return undefined;
    }
    if (c.prefix !== this.maskSize) return undefined;
    const offset = c.base - this.base;
    const step = 2 ** (32 - this.maskSize);
    if (offset < 0 || offset % step !== 0) return undefined;
    const i = offset / step;
    return i < this.size ? i : undefined;
  }

  private cidrAt(i: number): string {
    return `${formatIp((this.base + i * 2 ** (32 - this.maskSize)) >>> 0)}/${this.maskSize}`;
  }

  /** Marks a CIDR used; false when it is outside the cluster CIDR or of another size. */
  occupy(cidr: string): boolean {
    const i = this.indexOf(cidr);
    if (i === undefined) return false;
    this.used.add(i);
    return true;
  }

  release(cidr: string): void {
    const i = this.indexOf(cidr);
    if (i !== undefined) this.used.delete(i);
  }

  isUsed(cidr: string): boolean {
    const i = this.indexOf(cidr);
    return i !== undefined && this.used.has(i);
  }

  /** The next free subnet, round-robin from the last allocation (as upstream), or undefined when full. */
  allocate(): string | undefined {
    for (let k = 0; k < this.size; k++) {
      const i = (this.next + k) % this.size;
      if (!this.used.has(i)) {
        this.used.add(i);
        this.next = (i + 1) % this.size;
        return this.cidrAt(i);
      }
    }
    return undefined;
  }

  get clusterPrefix(): number {
    return this.prefix;
  }
}
