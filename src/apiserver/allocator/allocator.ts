// Cluster-wide allocation of service IPs and node ports, stored in etcd as one key per
// allocated item and claimed with a create-if-absent transaction, so two apiservers racing
// can never hand out the same item.
import type { Storage } from '../storage/interface.js';
import { StorageError } from '../storage/interface.js';

/** Contract: `allocate` returns an item no one else holds; `allocateSpecific` fails with AllocationError when taken or out of range. */
export interface Allocator {
  allocate(owner: string): Promise<number>;
  allocateSpecific(item: number, owner: string): Promise<void>;
  release(item: number): Promise<void>;
  contains(item: number): boolean;
}

export class AllocationError extends Error {
  constructor(readonly reason: 'taken' | 'range' | 'full', message: string) {
    super(message);
    this.name = 'AllocationError';
  }
}

export interface EtcdAllocatorOptions {
  storage: Storage;
  /** Key prefix, e.g. "/registry/ranges/serviceips/". */
  prefix: string;
  /** Inclusive bounds of allocatable items. */
  first: number;
  last: number;
  random: () => number;
  format?: (item: number) => string;
}

export class EtcdAllocator implements Allocator {
  constructor(private readonly o: EtcdAllocatorOptions) {}

  private key(item: number): string {
    return `${this.o.prefix}${(this.o.format ?? String)(item)}`;
  }

  contains(item: number): boolean {
    return item >= this.o.first && item <= this.o.last;
  }

  async allocateSpecific(item: number, owner: string): Promise<void> {
    if (!this.contains(item)) throw new AllocationError('range', 'provided value is not in the valid range');
    try {
      await this.o.storage.putRaw(this.key(item), owner, 0);
    } catch (err) {
      if (err instanceof StorageError && err.code === 'Conflict') throw new AllocationError('taken', 'provided value is already allocated');
      throw err;
    }
  }

  /** Probes from a random offset; each probe is an atomic claim. */
  async allocate(owner: string): Promise<number> {
    const n = this.o.last - this.o.first + 1;
    const start = Math.floor(this.o.random() * n);
    const taken = new Set((await this.o.storage.listRawKeys(this.o.prefix)).map((k) => k.slice(this.o.prefix.length)));
    const fmt = this.o.format ?? String;
    for (let i = 0; i < n; i++) {
      const item = this.o.first + ((start + i) % n);
      if (taken.has(fmt(item))) continue;
      try {
        await this.o.storage.putRaw(this.key(item), owner, 0);
        return item;
      } catch (err) {
        if (err instanceof StorageError && err.code === 'Conflict') continue;
        throw err;
      }
    }
    throw new AllocationError('full', 'range is full');
  }

  async release(item: number): Promise<void> {
    await this.o.storage.deleteRaw(this.key(item));
  }
}
