// The seam between the simulated API server's storage and its in-process clients (controllers,
// kubelet, DNS). They read and write through this interface, never through HTTP, which is the one
// liberty the simulator takes: the real kubelet and controllers are API clients, but every write
// still goes through the same admission, validation and resourceVersion rules as an HTTP write.

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  ownerReferences?: OwnerReference[];
  [key: string]: unknown;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** Any Kubernetes object as JSON: the store keeps plain JSON, never class instances. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent<T extends KubeObject = KubeObject> {
  type: WatchEventType;
  object: T;
}

/** A resource by its plural name, as in the URL: 'pods', 'services', 'persistentvolumeclaims', 'storageclasses' … */
export type Resource = string;

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
}

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  preconditions?: { uid?: string; resourceVersion?: string };
}

export interface WatchOptions extends ListOptions {
  /** Start after this resourceVersion; '' or undefined means "now", with synthetic ADDED events for what exists. */
  resourceVersion?: string;
}

/**
 * Errors thrown by the store are StatusError (sim/apiserver/status.ts), carrying the exact
 * Kubernetes Status object the HTTP layer sends.
 */
export interface ObjectStore {
  get<T extends KubeObject = KubeObject>(
    resource: Resource,
    namespace: string | undefined,
    name: string,
  ): T | undefined;
  list<T extends KubeObject = KubeObject>(
    resource: Resource,
    namespace: string | undefined,
    options?: ListOptions,
  ): { items: T[]; resourceVersion: string };
  /** Admission, defaulting, validation, generateName, uid, resourceVersion, creationTimestamp. */
  create<T extends KubeObject>(resource: Resource, object: T): T;
  /** Optimistic concurrency: a stale metadata.resourceVersion throws 409 Conflict. `status` updates only .status. */
  update<T extends KubeObject>(resource: Resource, object: T, options?: { subresource?: 'status' }): T;
  /** Graceful deletion sets deletionTimestamp; finalizers hold the object; GC follows ownerReferences. */
  delete(resource: Resource, namespace: string | undefined, name: string, options?: DeleteOptions): KubeObject;
  /** Returns a function that stops the watch. Events arrive in resourceVersion order. */
  watch<T extends KubeObject = KubeObject>(
    resource: Resource,
    namespace: string | undefined,
    options: WatchOptions,
    onEvent: (event: WatchEvent<T>) => void,
  ): () => void;
}
