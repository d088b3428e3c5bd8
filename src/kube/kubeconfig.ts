// Which cluster, as whom, in which namespace: kubeconfig file, $KUBECONFIG, ~/.kube/config or in-cluster
// config, all through @kubernetes/client-node (auth plugins, client certificates, tokens).

import { KubeConfig } from '@kubernetes/client-node';

export interface ClusterTarget {
  kc: KubeConfig;
  /** The cluster's name in the kubeconfig (for messages). */
  name: string;
  server: string;
  context: string;
  namespace: string;
}

export interface KubeconfigOptions {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
}

export class KubeconfigError extends Error {}

export function loadKubeconfig(o: KubeconfigOptions): ClusterTarget {
  const kc = new KubeConfig();
  try {
    if (o.kubeconfig) kc.loadFromFile(o.kubeconfig);
    else kc.loadFromDefault();
  } catch (err) {
    throw new KubeconfigError(
      `cannot load kubeconfig${o.kubeconfig ? ` ${o.kubeconfig}` : ''}: ${(err as Error).message}`,
    );
  }
  if (o.context) {
    if (!kc.getContextObject(o.context)) {
      throw new KubeconfigError(`context "${o.context}" not found in the kubeconfig`);
    }
    kc.setCurrentContext(o.context);
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new KubeconfigError('the kubeconfig has no current context or cluster (give --context)');
  // loadFromDefault's last resort is http://localhost:8080: say so instead of failing later.
  if (!o.kubeconfig && kc.getCurrentContext() === 'loaded-context' && cluster.server === 'http://localhost:8080') {
    throw new KubeconfigError(
      'no Kubernetes configuration found: give --kubeconfig, set KUBECONFIG, create ~/.kube/config, or run in a cluster',
    );
  }
  const context = kc.getCurrentContext();
  const namespace = o.namespace || kc.getContextObject(context)?.namespace || 'default';
  return { kc, name: cluster.name, server: cluster.server.replace(/\/+$/, ''), context, namespace };
}
