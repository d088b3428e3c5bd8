// A large docker cp each way with bounded server memory: 128 MiB (CP_TEST_BYTES) streamed into a container and
// back out while badidea's RSS is sampled. The server's RSS plateaus (about +64 MiB of garbage between collections
// on Node 24, whatever the size: 64 MiB and 1 GiB copies peak alike, see bench/cp.ts), so a copy twice that size
// tells streaming from buffering. The 1 GiB copy each way is bench/cp.ts (minutes on the simulated cluster,
// whose exec runs at 5–10 MiB/s, as kubectl exec does there).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { ContainersSetup } from '../helpers/containers.ts';
import { dockerOk, getStreamBytes, processMemory, putStream, rssSampler, setupCp, syntheticTar } from './cp-helpers.ts';

const BYTES = Number(process.env.CP_TEST_BYTES ?? 128 * 1024 * 1024);
const MiB = 1024 * 1024;

let s: ContainersSetup;
before(async () => {
  s = await setupCp();
  await dockerOk(['run', '-d', '--name', 'big', 'busybox', 'sleep', '100000'], s.env);
});
after(() => s?.stop());

test(`a ${BYTES / MiB} MiB copy each way streams with bounded server memory`, async () => {
  const pid = s.server.process.pid ?? 0;
  const baseline = processMemory(pid).rss;

  let sampler = rssSampler(pid);
  const put = await putStream(s.env, '/containers/big/archive?path=/tmp', syntheticTar('big.bin', BYTES));
  const upPeak = sampler.stop();
  assert.equal(put.status, 200, put.body);

  sampler = rssSampler(pid);
  const get = await getStreamBytes(s.env, '/containers/big/archive?path=/tmp/big.bin');
  const downPeak = sampler.stop();
  assert.equal(get.status, 200);
  // The file, its 512-byte header and tar's end-of-archive padding.
  assert.ok(get.bytes >= BYTES + 1024, `got ${get.bytes} bytes`);

  const growth = (Math.max(upPeak, downPeak) - baseline) / MiB;
  assert.ok(growth < (BYTES / MiB) * 0.8, `server RSS grew by ${growth.toFixed(1)} MiB for a ${BYTES / MiB} MiB copy`);
});
