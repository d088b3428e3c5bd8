// The network of one simulated cluster: an internal Docker bridge network for pods (a free /24 in
// 10.244.0.0/16; its gateway, the host's address on the bridge, serves cluster DNS), and a service
// range (the /24 with the same index in 10.96.0.0/16) whose cluster IPs the service proxy adds to
// that bridge. "Internal" keeps pods from reaching anything beyond this machine: no NAT, no
// forwarding out; the host's own addresses on the bridge (gateway, cluster IPs) stay reachable.
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import type Docker from 'dockerode';

const run = promisify(execFile);

/** The label the container runtime puts on every Docker object of a cluster (sim/runtime/labels.ts). */
export const LABEL_CLUSTER = 'sim.badidea.dev/cluster';

export interface ClusterNetwork {
  clusterId: string;
  networkName: string;
  bridge: string;
  podSubnet: string;
  gateway: string;
  serviceCIDR: string;
  /** The first address of the service range: the `kubernetes` service's, by convention. */
  firstServiceIP: string;
  /** The tenth address of the service range: the `kube-dns` Service's, by convention. */
  dnsServiceIP: string;
  remove(): Promise<void>;
}

/** A cluster id that names its owner process, so that a later run can tell leftovers from live clusters. */
export function newClusterId(): string {
  return `${process.pid}x${Math.random().toString(36).slice(2, 7)}`;
}

/** Whether the process that made a cluster (by its id) still runs; ids not made by newClusterId() count as alive. */
export function ownerAlive(clusterId: string): boolean {
  const m = /^(\d+)x/.exec(clusterId);
  if (!m) return true; // not made by this composition: never touched
  const pid = Number(m[1]);
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the containers, volumes and networks of simulated clusters whose owner process is gone (a run
 * killed before it could clean up). Live clusters of other processes (parallel test files) are kept.
 */
export async function removeLeftovers(docker: Docker, log: (msg: string) => void = () => {}): Promise<void> {
  const containers = await docker.listContainers({ all: true, filters: { label: [LABEL_CLUSTER] } });
  const dead = containers.filter((c) => !ownerAlive(c.Labels[LABEL_CLUSTER] ?? ''));
  if (dead.length) log(`sim: removing ${dead.length} leftover container(s) of earlier runs`);
  await Promise.all(
    dead.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true, v: true })
        .catch(() => {}),
    ),
  );
  const volumes = await docker.listVolumes({ filters: { label: [LABEL_CLUSTER] } }).catch(() => undefined);
  for (const v of volumes?.Volumes ?? []) {
    if (ownerAlive(v.Labels?.[LABEL_CLUSTER] ?? '')) continue;
    await docker
      .getVolume(v.Name)
      .remove()
      .catch(() => {});
  }
  const networks = await docker.listNetworks({ filters: { label: [LABEL_CLUSTER] } });
  for (const n of networks) {
    if (ownerAlive(n.Labels?.[LABEL_CLUSTER] ?? '')) continue;
    log(`sim: removing leftover network ${n.Name}`);
    await docker
      .getNetwork(n.Id)
      .remove()
      .catch(() => {});
  }
}

/** Creates the cluster's network on the first free index: Docker refuses a subnet that overlaps another network's. */
export async function createClusterNetwork(
  docker: Docker,
  clusterId: string,
  log: (msg: string) => void = () => {},
): Promise<ClusterNetwork> {
  const routes = await hostRoutes();
  const start = Math.floor(Math.random() * 200);
  let lastError: unknown;
  for (let i = 0; i < 250; i++) {
    const n = 1 + ((start + i) % 250);
    const podSubnet = `10.244.${n}.0/24`;
    const serviceCIDR = `10.96.${n}.0/24`;
    if (routes.some((r) => r.startsWith(`10.244.${n}.`) || r.startsWith(`10.96.${n}.`))) continue;
    const networkName = `badidea-sim-${clusterId}`;
    const bridge = `bdsim${n}`;
    const gateway = `10.244.${n}.1`;
    try {
      await docker.createNetwork({
        Name: networkName,
        Driver: 'bridge',
        CheckDuplicate: true,
        Internal: true,
        Labels: { [LABEL_CLUSTER]: clusterId },
        Options: { 'com.docker.network.bridge.name': bridge },
        IPAM: { Driver: 'default', Config: [{ Subnet: podSubnet, Gateway: gateway }] },
      });
    } catch (err) {
      lastError = err;
      const msg = String((err as Error).message);
      if (/overlap|already exists|in use|conflict/i.test(msg)) continue;
      throw err;
    }
    log(`sim: network ${networkName} (${podSubnet}, bridge ${bridge}); services ${serviceCIDR}`);
    return {
      clusterId,
      networkName,
      bridge,
      podSubnet,
      gateway,
      serviceCIDR,
      firstServiceIP: `10.96.${n}.1`,
      dnsServiceIP: `10.96.${n}.10`,
      async remove() {
        await docker
          .getNetwork(networkName)
          .remove()
          .catch(() => {});
      },
    };
  }
  throw new Error(`sim: no free subnet for the cluster network: ${String(lastError)}`);
}

/** The destinations of the host's routes (to steer clear of networks this machine already uses). */
async function hostRoutes(): Promise<string[]> {
  try {
    const { stdout } = await run('ip', ['-4', 'route', 'show', 'table', 'all']);
    return stdout
      .split('\n')
      .map((l) => l.split(' ').find((w) => /^\d+\.\d+\.\d+\.\d+/.test(w)) ?? '')
      .filter(Boolean);
  } catch {
    return [];
  }
}

/**
 * Synchronous last resort for a process that exits without closing its cluster (an uncaught
 * exception, process.exit): removes the cluster's containers, volumes and network with the docker CLI.
 */
export function removeClusterSync(clusterId: string): void {
  const filter = `label=${LABEL_CLUSTER}=${clusterId}`;
  const ids = (args: string[]) =>
    (spawnSync('docker', args, { encoding: 'utf8' }).stdout ?? '').split('\n').filter((l) => l.trim());
  const containers = ids(['ps', '-aq', '--filter', filter]);
  if (containers.length) spawnSync('docker', ['rm', '-f', '-v', ...containers], { stdio: 'ignore' });
  const volumes = ids(['volume', 'ls', '-q', '--filter', filter]);
  if (volumes.length) spawnSync('docker', ['volume', 'rm', '-f', ...volumes], { stdio: 'ignore' });
  const networks = ids(['network', 'ls', '-q', '--filter', filter]);
  if (networks.length) spawnSync('docker', ['network', 'rm', ...networks], { stdio: 'ignore' });
}
