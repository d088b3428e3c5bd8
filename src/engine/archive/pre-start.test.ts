import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { describe, it } from 'node:test';
import type { KubeClient } from '../../kube/client.ts';
import type { KubeObject } from '../../kube/types.ts';
import { validateCreateRequest } from '../../translate/create-request.ts';
import { newContainer } from '../../translate/new-container.ts';
import { COPIES_VOLUME } from '../../translate/pre-start-copies.ts';
import { COPIES_ANNOTATION, readRecord } from '../../translate/record.ts';
import type { FoundContainer } from '../containers/lookup.ts';
import { copyBeforeStart } from './pre-start.ts';

const ID = `ab${'0123456789abcdef'.repeat(3)}abcdef01234567`;

function fakeClient() {
  const objects = new Map<string, KubeObject>();
  const calls: string[] = [];
  const client = {
    namespace: 'ns',
    corePath: (resource: string, name?: string) => `/api/v1/namespaces/ns/${resource}${name ? `/${name}` : ''}`,
    async create(path: string, body: KubeObject) {
      calls.push(`create ${path} ${body.metadata.name}`);
      objects.set(`${path}/${body.metadata.name}`, body);
      return body;
    },
    async delete(path: string) {
      calls.push(`delete ${path}`);
      objects.delete(path);
      return {};
    },
    async get(path: string) {
      const o = objects.get(path);
      if (!o) throw Object.assign(new Error('not found'), { kind: 'NotFound' });
      return o;
    },
    async patch(path: string, patch: unknown) {
      calls.push(`patch ${path} ${JSON.stringify(patch)}`);
      return {};
    },
  };
  return { client: client as unknown as KubeClient, objects, calls };
}

function created(): FoundContainer {
  const c = newContainer({
    id: ID,
    name: 'pre',
    created: '2026-11-28T16:54:39.618Z',
    request: validateCreateRequest({ Image: 'busybox', Cmd: ['sh'] }, { name: 'pre' }),
    image: { id: 'sha256:1', ref: 'busybox', config: {} },
    pod: { namespace: 'ns', claimNameFor: (v) => v },
  });
  return {
    id: ID,
    name: 'pre',
    record: c.record,
    current: c.pod,
    previous: [],
    state: {
      status: 'created',
      starting: false,
      exitCode: 0,
      error: '',
      startedAt: '',
      finishedAt: '',
      oomKilled: false,
      restartCount: 0,
    },
  };
}

const deps = (client: KubeClient, limitBytes: number, waited: number[]) => ({
  client,
  podOptions: () => ({ namespace: 'ns', claimNameFor: (v: string) => v }),
  waitForGeneration: async (_id: string, g: number) => {
    waited.push(g);
  },
  limitBytes,
  chunkBytes: 1000,
});

describe('copies before start', () => {
  it('chunks the archive into Secrets and replaces the gated pod by the next generation', async () => {
    const { client, objects, calls } = fakeClient();
    const waited: number[] = [];
    await copyBeforeStart(deps(client, 10_000, waited), created(), Readable.from([Buffer.alloc(2500, 1)]));
    const secrets = [...objects.keys()].filter((k) => k.includes('/secrets/'));
    assert.equal(secrets.length, 3);
    const pod = [...objects.values()].find((o) => o.kind === 'Pod') as unknown as Parameters<typeof readRecord>[0];
    const record = readRecord(pod);
    assert.equal(record?.generation, 1);
    assert.deepEqual(record?.preStartCopies, [
      `badidea-cp-${ID.slice(0, 12)}-0001-00001`,
      `badidea-cp-${ID.slice(0, 12)}-0001-00002`,
      `badidea-cp-${ID.slice(0, 12)}-0001-00003`,
    ]);
    assert.deepEqual(pod.spec.schedulingGates, [{ name: 'badidea.dev/start' }]);
    assert.ok(pod.spec.volumes?.some((v) => v.name === COPIES_VOLUME));
    assert.deepEqual(waited, [1]);
    assert.equal(calls.at(-1), 'delete /api/v1/namespaces/ns/pods/pre-ab0123456789');
    const data = (
      objects.get(`/api/v1/namespaces/ns/secrets/${record?.preStartCopies?.[2]}`) as unknown as {
        data: Record<string, string>;
      }
    ).data;
    assert.equal(Buffer.from(Object.values(data)[0], 'base64').length, 500);
  });

  it('an exited container: only its record is annotated', async () => {
    const { client, calls } = fakeClient();
    const c = created();
    c.state = { ...c.state, status: 'exited' } as FoundContainer['state'];
    c.current = { ...c.current, spec: { ...c.current.spec, schedulingGates: [] } };
    await copyBeforeStart(deps(client, 10_000, []), c, Readable.from([Buffer.alloc(10)]));
    assert.match(
      calls.at(-1) ?? '',
      new RegExp(`^patch .*pods/pre-ab0123456789 .*${COPIES_ANNOTATION.replace('/', '\\/')}`),
    );
  });

  it('beyond the limit: 413 naming it, and the Secrets written so far are deleted', async () => {
    const { client, objects } = fakeClient();
    await assert.rejects(
      copyBeforeStart(deps(client, 2048, []), created(), Readable.from([Buffer.alloc(1500), Buffer.alloc(1500)])),
      (err: Error & { kind?: string }) => err.kind === 'PayloadTooLarge' && /up to 0 MiB in all/.test(err.message),
    );
    assert.equal([...objects.keys()].filter((k) => k.includes('/secrets/')).length, 0);
  });
});
