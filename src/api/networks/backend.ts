// What the network routes need from the engine (src/engine/networks implements it).

import type { Filters } from '../http/query.ts';

export interface NetworksBackend {
  list(filters: Filters): Record<string, unknown>[];
  /** GET /networks/{id}: the network with the running containers on it; 404 `network x not found`. */
  inspect(ref: string): Record<string, unknown>;
  create(body: Record<string, unknown>): Promise<{ Id: string; Warning: string }>;
  remove(ref: string): Promise<void>;
  prune(filters: Filters): Promise<{ NetworksDeleted: string[] }>;
  connect(ref: string, body: Record<string, unknown>): Promise<void>;
  disconnect(ref: string, body: Record<string, unknown>): Promise<void>;
}
