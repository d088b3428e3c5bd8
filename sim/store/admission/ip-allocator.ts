// ClusterIP (10.96.0.0/16 by default) and NodePort (30000-32767) allocation, random like the real
// bitmap allocators. The `kubernetes` Service takes the first address.
import { badRequest, invalid } from '../../apiserver/status.ts';
import { fieldErr } from '../validation/field.ts';
import type { ServiceAllocator } from './service.ts';

function ipToInt(ip: string): number {
  return ip.split('.').reduce((acc, o) => acc * 256 + Number(o), 0);
}
function intToIp(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

export class Allocator implements ServiceAllocator {
  readonly #base: number;
  readonly #size: number;
  readonly #cidr: string;
  #ips = new Set<number>();
  #ports = new Set<number>();
  readonly #random: () => number;

  constructor(cidr = '10.96.0.0/16', random: () => number = Math.random) {
    const [addr, bits] = cidr.split('/');
    this.#base = ipToInt(addr!);
    this.#size = 2 ** (32 - Number(bits));
    this.#cidr = cidr;
    this.#random = random;
  }

  allocateClusterIP(requested: string | undefined, name: string): string {
    if (requested) {
      const n = ipToInt(requested);
      if (!/^\d+\.\d+\.\d+\.\d+$/.test(requested) || n <= this.#base || n >= this.#base + this.#size - 1) {
        throw invalid({ kind: 'Service' }, name, [
          fieldErr.invalid(
            'spec.clusterIPs',
            [requested],
            `failed to allocate IP ${requested}: the provided IP (${requested}) is not in the valid range. The range of valid IPs is ${this.#cidr}`,
          ),
        ]);
      }
      if (this.#ips.has(n))
        throw invalid({ kind: 'Service' }, name, [
          fieldErr.invalid(
            'spec.clusterIPs',
            [requested],
            `failed to allocate IP ${requested}: provided IP is already allocated`,
          ),
        ]);
      this.#ips.add(n);
      return requested;
    }
    for (let tries = 0; tries < 1000; tries++) {
      const n = this.#base + 2 + Math.floor(this.#random() * (this.#size - 3));
      if (!this.#ips.has(n)) {
        this.#ips.add(n);
        return intToIp(n);
      }
    }
    throw badRequest('range is full');
  }

  releaseClusterIP(ip: string): void {
    this.#ips.delete(ipToInt(ip));
  }

  allocateNodePort(requested?: number): number {
    if (requested) {
      this.#ports.add(requested);
      return requested;
    }
    for (let tries = 0; tries < 1000; tries++) {
      const p = 30000 + Math.floor(this.#random() * 2768);
      if (!this.#ports.has(p)) {
        this.#ports.add(p);
        return p;
      }
    }
    throw badRequest('range is full');
  }

  releaseNodePort(port: number): void {
    this.#ports.delete(port);
  }
}
