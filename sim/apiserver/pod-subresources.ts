// The seam between the API server and the node: the API server authenticates, parses the path and
// checks the pod exists, then hands the streaming subresources to the node that runs the pod,
// as the real API server proxies them to the kubelet.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { KubeObject } from '../store/types.ts';

export interface PodTarget {
  pod: KubeObject;
  query: URLSearchParams;
}

export interface PodSubresources {
  /** GET pods/{name}/log: a chunked text/plain stream, or a Status error. */
  log(target: PodTarget, req: IncomingMessage, res: ServerResponse): void;
  /** WebSocket upgrade for pods/{name}/exec|attach|portforward. Answers HTTP errors itself before upgrading. */
  upgrade(
    subresource: 'exec' | 'attach' | 'portforward',
    target: PodTarget,
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
  ): void;
}
