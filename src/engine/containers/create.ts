// docker create: validate (400s first), resolve the image (404 → the CLI pulls and retries), pick the name (409 on
// a clash), create generation 0 held by the start gate, and answer once the cache shows it (the client's next
// request — attach, wait, start — reads the cache). Nothing is left behind on failure.

import type { CreateInput } from '../../api/containers/backend.ts';
import { Conflict } from '../../errors.ts';
import { validateCreateRequest } from '../../translate/create-request.ts';
import { generateContainerId, generateContainerName, nameConflictMessage } from '../../translate/ids.ts';
import { newContainer } from '../../translate/new-container.ts';
import { BUILTIN_LABEL, BUILTIN_RYUK } from '../../translate/ryuk.ts';
import type { EngineContext } from './context.ts';
import { translated } from './errors.ts';

export async function createContainer(
  ctx: EngineContext,
  input: CreateInput,
): Promise<{ Id: string; Warnings: string[] }> {
  const request = translated(() =>
    validateCreateRequest(
      input.body,
      { name: input.name || undefined, platform: input.platform || undefined },
      { stopSignalSupported: ctx.stopSignalSupported },
    ),
  );
  ctx.networks?.prepareCreate(request); // 404 `network x not found`; fills NetworkID per network
  const image = await ctx.images.resolveImageForContainer(request.config.Image ?? '', input.auth);

  const existing = ctx.lookup.list();
  const holder = (name: string) => existing.find((c) => c.name === name);
  let name = request.name;
  if (name !== undefined) {
    const taken = holder(name);
    if (taken) throw new Conflict(nameConflictMessage(name, taken.id));
  } else {
    name = generateContainerName(ctx.random);
    for (let i = 0; holder(name); i++) {
      // moby's namesgenerator appends a digit after a few clashes.
      name = `${generateContainerName(ctx.random)}${i >= 3 ? Math.floor(ctx.random() * 10) : ''}`;
    }
  }
  const ids = new Set(existing.map((c) => c.id));
  let id = generateContainerId(ctx.randomBytes);
  while (ids.has(id)) id = generateContainerId(ctx.randomBytes);

  const built = translated(() =>
    newContainer({
      id,
      name: name!,
      created: new Date(ctx.now()).toISOString(),
      request,
      image: {
        id: image.imageId,
        ref: image.config.Labels?.[BUILTIN_LABEL] === BUILTIN_RYUK ? ctx.placeholderImage : image.digestRef,
        config: image.config,
      },
      pod: {
        namespace: ctx.client.namespace,
        claimNameFor: ctx.claimNameFor,
        stopSignalSupported: ctx.stopSignalSupported,
        ...(image.pullSecretName ? { imagePullSecrets: [image.pullSecretName] } : {}),
      },
    }),
  );
  // Volumes first (named ones created implicitly, as dockerd does; anonymous ones for this container).
  const volumes = await ctx.volumes.prepare(built.record);
  try {
    await ctx.createPod(built.pod);
  } catch (err) {
    await volumes.rollback();
    throw err;
  }
  try {
    await ctx.lookup.waitFor(id, (c) => (c ? true : undefined), {
      timeoutMs: ctx.cacheTimeoutMs,
      what: `the new pod ${built.pod.metadata.name} to reach badidea's cache`,
    });
  } catch (err) {
    await ctx.deletePod(built.pod.metadata.name ?? '').catch(() => {});
    await volumes.rollback();
    throw err;
  }
  return { Id: id, Warnings: [...built.warnings, ...volumes.warnings] };
}
