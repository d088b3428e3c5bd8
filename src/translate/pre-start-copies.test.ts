import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateCreateRequest } from './create-request.ts';
import { newContainer, nextGeneration } from './new-container.ts';
import { buildPod } from './pod-spec.ts';
import { COPIES_DIR, COPIES_VOLUME, COPY_PROLOGUE, copyChunkKey } from './pre-start-copies.ts';
import { COPIES_ANNOTATION, readRecord } from './record.ts';

const ID = `1a3c${'0123456789abcdef'.repeat(3)}abcdef012345`;

function created(body: Record<string, unknown> = {}) {
  return newContainer({
    id: ID,
    name: 'web',
    created: '2026-11-28T16:54:39.618Z',
    request: validateCreateRequest({ Image: 'busybox', ...body }, { name: 'web' }),
    image: { id: 'sha256:7ba6', ref: 'busybox@sha256:aa', config: { Entrypoint: ['/entry.sh'], Cmd: ['serve'] } },
    pod: { namespace: 'ns', claimNameFor: (v) => `vol-${v}` },
  });
}

describe('copies kept for the next run (docker cp while not running)', () => {
  it('no copies: the pod is exactly as before', () => {
    const { pod } = created();
    const c = pod.spec.containers[0];
    assert.deepEqual([c.command, c.args], [['/entry.sh'], ['serve']]);
    assert.equal(pod.spec.volumes, undefined);
    assert.equal(pod.metadata.annotations?.[COPIES_ANNOTATION], undefined);
  });

  it('copies: the Secrets mounted read-only, the real command exec-ed after the prologue, the record round-trips', () => {
    const { record } = created({ HostConfig: { Binds: ['data:/data'] } });
    const withCopies = { ...record, generation: 1, preStartCopies: ['s-0001-00001', 's-0001-00002'] };
    const { pod } = buildPod(withCopies, { namespace: 'ns', gated: true, claimNameFor: (v) => `vol-${v}` });
    const c = pod.spec.containers[0];
    assert.deepEqual(c.command, ['/bin/sh', '-c', COPY_PROLOGUE, 'sh', '/entry.sh', 'serve']);
    assert.equal(c.args, undefined);
    assert.deepEqual(c.volumeMounts?.at(-1), { name: COPIES_VOLUME, mountPath: COPIES_DIR, readOnly: true });
    assert.equal(c.volumeMounts?.[0].mountPath, '/data');
    assert.deepEqual(pod.spec.volumes?.at(-1), {
      name: COPIES_VOLUME,
      projected: {
        sources: [{ secret: { name: 's-0001-00001' } }, { secret: { name: 's-0001-00002' } }],
        defaultMode: 0o444,
      },
    });
    assert.deepEqual(pod.spec.schedulingGates, [{ name: 'badidea.dev/start' }]);
    const back = readRecord(pod);
    assert.deepEqual(back?.preStartCopies, withCopies.preStartCopies);
    // docker inspect's Path/Args come from the record, which keeps the real command.
    assert.deepEqual(back?.config.Entrypoint, ['/entry.sh']);
    // Every later run extracts them again (a restart starts from the image in Kubernetes).
    const next = nextGeneration(back!, { namespace: 'ns', claimNameFor: (v) => `vol-${v}` });
    assert.equal(next.pod.spec.containers[0].command?.[2], COPY_PROLOGUE);
  });

  it('the prologue survives Kubernetes $(VAR) expansion and orders chunks', () => {
    assert.ok(!COPY_PROLOGUE.includes('$('));
    assert.ok(!COPY_PROLOGUE.includes('$$'));
    assert.ok(copyChunkKey(1, 2) < copyChunkKey(1, 10));
    assert.ok(copyChunkKey(1, 99999) < copyChunkKey(2, 1));
  });
});
