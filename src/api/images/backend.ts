// What the image routes need from the engine, in Docker's vocabulary (src/engine/images/images-engine.ts).

import type { AuthConfig } from '../../registry/auth.ts';

export type Filters = ReadonlyMap<string, readonly string[]>;

export interface PullInput {
  fromImage: string;
  tag?: string;
  platform?: string;
  auth?: AuthConfig;
}

/** A resolved pull: enough for the progress lines, and handed back to recordPull. */
export interface PullResolution {
  readonly resolved: {
    readonly ref: { readonly domain: string; readonly path: string; readonly tag?: string; readonly digest?: string };
    readonly repoDigest: string;
  };
}

export interface ImagesBackend {
  /** Registry lookup; throws (→ HTTP status) before anything is streamed. */
  resolvePull(req: PullInput): Promise<PullResolution>;
  recordPull(res: PullResolution): Promise<{ upToDate: boolean }>;
  list(filters: Filters, legacyNone: boolean): Record<string, unknown>[];
  inspect(name: string): Record<string, unknown>;
  history(name: string): Record<string, unknown>[];
  tag(name: string, repo: string, tag: string): Promise<void>;
  remove(name: string, force: boolean): Promise<{ Untagged?: string; Deleted?: string }[]>;
  prune(filters: Filters): Promise<{ ImagesDeleted: unknown[] | null; SpaceReclaimed: number }>;
  login(auth: AuthConfig): Promise<{ Status: string; IdentityToken: string }>;
}
