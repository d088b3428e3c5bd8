// The container lifecycle backend as one object (what src/api/containers calls). Constructed in main.ts.

import type {
  ContainersBackend,
  CreateInput,
  ListInput,
  PruneReport,
  WaitCondition,
  WaitResult,
} from '../../api/containers/backend.ts';
import { NotImplemented } from '../../errors.ts';
import { type ContainersEngineDeps, type EngineContext, engineContext, isActive } from './context.ts';
import { createContainer } from './create.ts';
import { inspectContainerView, listContainersView } from './read.ts';
import { pruneContainers, removeContainer } from './remove.ts';
import { renameContainer, updateContainer } from './rename.ts';
import { startContainer } from './start.ts';
import { killContainer, restartContainer, stopContainer } from './stop.ts';
import { waitContainer } from './wait.ts';

export class ContainersEngine implements ContainersBackend {
  readonly ctx: EngineContext;
  /** Exec instances of a container for inspect's ExecIDs (the streams engine sets it). */
  execIds?: (containerId: string) => string[] | null;
  /**
   * Before `docker rm` of a container that is not running: waits for the readers of its log (main.ts: the streams
   * engine's output holds), as dockerd's log readers keep the file they opened after the container is gone.
   */
  beforeRemoveStopped?: (containerId: string) => Promise<void>;

  constructor(deps: ContainersEngineDeps) {
    this.ctx = engineContext(deps);
  }

  create(input: CreateInput): Promise<{ Id: string; Warnings: string[] }> {
    return createContainer(this.ctx, input);
  }

  start(ref: string): Promise<void> {
    return startContainer(this.ctx, ref);
  }

  wait(ref: string, condition: WaitCondition): { id: string; result: (signal: AbortSignal) => Promise<WaitResult> } {
    return waitContainer(this.ctx, ref, condition);
  }

  stop(ref: string, t: number | undefined, signalName: string | undefined): Promise<void> {
    return stopContainer(this.ctx, ref, t, signalName);
  }

  restart(ref: string, t: number | undefined, signalName: string | undefined): Promise<void> {
    return restartContainer(this.ctx, ref, t, signalName);
  }

  kill(ref: string, signal: string | undefined): Promise<void> {
    return killContainer(this.ctx, ref, signal);
  }

  async remove(ref: string, o: { force: boolean; volumes: boolean; link: boolean }): Promise<void> {
    const c = this.ctx.lookup.tryFind(ref);
    if (c && !isActive(c) && this.beforeRemoveStopped) await this.beforeRemoveStopped(c.id);
    return removeContainer(this.ctx, ref, o);
  }

  prune(filters: string | null): Promise<PruneReport> {
    return pruneContainers(this.ctx, filters);
  }

  rename(ref: string, name: string): Promise<void> {
    return renameContainer(this.ctx, ref, name);
  }

  async update(ref: string, body: Record<string, unknown>): Promise<{ Warnings: string[] }> {
    return updateContainer(this.ctx, ref, body);
  }

  list(input: ListInput): Record<string, unknown>[] {
    return listContainersView(this.ctx, input);
  }

  inspect(ref: string, size: boolean): Record<string, unknown> {
    return inspectContainerView(this.ctx, ref, size, this.execIds);
  }

  /** pause/unpause/export/changes: what Kubernetes cannot do, with what to do instead (after the 404 check). */
  refuse(ref: string, what: 'pause' | 'unpause' | 'export' | 'changes'): never {
    const c = this.ctx.lookup.findContainer(ref);
    const messages = {
      pause: `cannot pause container ${c.name}: Kubernetes cannot freeze a pod's processes; stop it instead (docker stop ${c.name}) and start it again later`,
      unpause: `cannot unpause container ${c.name}: badidea never pauses containers (Kubernetes cannot freeze a pod's processes)`,
      export: `cannot export container ${c.name}: badidea has no access to a container's root filesystem layers; copy files out with docker cp ${c.name}:/path ./dest (or docker cp ${c.name}:/ - for a tar of the whole tree)`,
      changes: `cannot list the filesystem changes of container ${c.name}: the image layers and the container's writable layer live on a Kubernetes node badidea cannot read`,
    };
    throw new NotImplemented(messages[what]);
  }
}
