// The cluster's own cost, measured straight through the (simulated) Kubernetes API with the bench's raw client:
// badidea's pod for a container, copied without badidea's labels (so badidea never sees the copy) and run through
// the same steps badidea takes: create gated, ungate, wait running or completed, delete without grace, wait gone.
import type { KubeObject } from '../sim/store/types.ts';
import type { TestCluster } from '../test/helpers/cluster.ts';

interface Pod extends KubeObject {
  spec: Record<string, unknown>;
  status?: { phase?: string; containerStatuses?: { state?: { running?: unknown; terminated?: unknown } }[] };
}

const WAIT_MS = 120_000;

/** The pod badidea made for a container (by the container's full ID). */
export async function podOfContainer(c: TestCluster, id: string): Promise<Pod> {
  const list = await c.api.request<{ items: Pod[] }>(
    'GET',
    `/api/v1/namespaces/${c.namespace}/pods?labelSelector=${encodeURIComponent(`badidea.dev/id=${id.slice(0, 63)}`)}`,
  );
  const pod = list.items.at(-1);
  if (!pod) throw new Error(`no pod for container ${id}`);
  return pod;
}

/** A copy of a pod to create under another name: spec only (no node, no badidea labels or annotations). */
export function podTemplate(pod: Pod): (name: string) => Pod {
  const { nodeName: _, ...spec } = pod.spec;
  return (name) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: structuredClone(spec) });
}

export interface RawPods {
  /** Creates the pod (gated, as badidea does) and ungates it; resolves when `until` holds. */
  start(pod: Pod, until: 'running' | 'completed'): Promise<void>;
  /** Deletes without grace (docker rm -f) and waits until the pod is gone. */
  remove(name: string): Promise<void>;
}

export function rawPods(c: TestCluster): RawPods {
  const base = `/api/v1/namespaces/${c.namespace}/pods`;
  const watchName = (name: string, rv: string) =>
    `${base}?fieldSelector=${encodeURIComponent(`metadata.name=${name}`)}&resourceVersion=${rv}`;
  return {
    async start(pod, until) {
      const created = await c.api.request<Pod>('POST', base, pod);
      const name = created.metadata.name ?? '';
      const done = (p: Pod) =>
        until === 'completed'
          ? p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed'
          : Boolean(p.status?.containerStatuses?.some((s) => s.state?.running || s.state?.terminated));
      const watching = c.api.watchUntil<Pod>(
        watchName(name, created.metadata.resourceVersion ?? '0'),
        (_t, p) => done(p),
        WAIT_MS,
      );
      await c.api.request(
        'PATCH',
        `${base}/${name}`,
        { spec: { schedulingGates: [] } },
        'application/merge-patch+json',
      );
      await watching;
    },
    async remove(name) {
      const got = await c.api.request<Pod>('GET', `${base}/${name}`);
      const gone = c.api.watchUntil(
        watchName(name, got.metadata.resourceVersion ?? '0'),
        (t) => t === 'DELETED',
        WAIT_MS,
      );
      await c.api.request('DELETE', `${base}/${name}?gracePeriodSeconds=0`);
      await gone;
    },
  };
}
