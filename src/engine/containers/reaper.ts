// The engine's watch-driven duties, run by every replica (idempotent: a 404 on delete means another did it):
// - `docker run --rm` (AutoRemove): remove the container once its run ended or its start failed;
// - on-failure:N: end the run once the kubelet would restart beyond N (kubeletWouldOverrun).
// On cache sync it checks every container, so containers that exited while no server ran are handled too.

import type { KubeCache } from '../../kube/cache.ts';
import type { KubeObject } from '../../kube/types.ts';
import type { Logger } from '../../log.ts';
import { stopPatch } from '../../translate/pod-spec.ts';
import { ID_LABEL, STOPPED_BY_USER_ANNOTATION } from '../../translate/record.ts';
import { kubeletWouldOverrun, parseRestartPolicy } from '../../translate/restart-policy.ts';
import { type EngineContext, isTerminal } from './context.ts';
import type { FoundContainer } from './lookup.ts';
import { deleteContainer } from './remove.ts';

export class Reaper {
  readonly #ctx: EngineContext;
  readonly #cache: KubeCache;
  readonly #log: Logger;
  readonly #busy = new Set<string>();
  #unsubscribe = () => {};
  #stopped = false;

  constructor(ctx: EngineContext, cache: KubeCache, log: Logger) {
    this.#ctx = ctx;
    this.#cache = cache;
    this.#log = log;
  }

  async start(): Promise<void> {
    await this.#cache.hasSynced();
    if (this.#stopped) return;
    this.#unsubscribe = this.#cache.subscribe<KubeObject>('pods', (e) => {
      const label = e.object.metadata.labels?.[ID_LABEL];
      if (!label) return;
      const c = this.#ctx.lookup.list().find((x) => x.id.startsWith(label));
      if (c) this.#check(c);
    });
    for (const c of this.#ctx.lookup.list()) this.#check(c);
  }

  stop(): void {
    this.#stopped = true;
    this.#unsubscribe();
  }

  #check(c: FoundContainer): void {
    if (this.#busy.has(c.id)) return;
    const s = c.state;
    if (c.record.hostConfig.AutoRemove === true) {
      const ended = s.status === 'exited' || s.status === 'dead';
      const failedStart = s.status === 'created' && s.error !== '' && isTerminal(c.current);
      if (ended || failedStart) {
        // Docker's --rm removes the container's anonymous volumes too.
        this.#run(c.id, 'auto-remove', () => deleteContainer(this.#ctx, c, true));
        return;
      }
    }
    let policy: ReturnType<typeof parseRestartPolicy>;
    try {
      policy = parseRestartPolicy(c.record.hostConfig.RestartPolicy);
    } catch {
      return;
    }
    if (
      s.status === 'restarting' &&
      kubeletWouldOverrun(policy, s.restartCount) &&
      c.current.spec.activeDeadlineSeconds === undefined
    ) {
      const patch = stopPatch(c.current.status?.startTime, this.#ctx.now());
      const { [STOPPED_BY_USER_ANNOTATION]: _user, ...annotations } = patch.metadata.annotations;
      this.#run(c.id, 'restart limit', () =>
        this.#ctx.client.patch(this.#ctx.client.corePath('pods', c.current.metadata.name ?? ''), {
          metadata: { annotations },
          spec: patch.spec,
        }),
      );
    }
  }

  #run(id: string, what: string, fn: () => Promise<unknown>): void {
    this.#busy.add(id);
    fn()
      .catch((err) => {
        if ((err as { kind?: string }).kind !== 'NotFound')
          this.#log.warn(`${what} failed`, { container: id, error: String(err) });
      })
      .finally(() => this.#busy.delete(id));
  }
}
