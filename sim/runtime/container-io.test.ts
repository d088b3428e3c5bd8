// resizeExec against a stand-in for dockerode's Exec: a resize dockerd refuses before the process runs is tried
// again, one for an ended process is moot, and one that never takes rejects with dockerd's error.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type Docker from 'dockerode';
import { resizeExec } from './container-io.ts';

interface State {
  running: boolean;
  exitCode: number | null;
}

/** An exec whose resize fails `failures` times (dockerd 20.10 gives up after waiting 10 s for the start). */
function fakeExec(failures: number, state: State, inspectFails = false) {
  const calls: string[] = [];
  const exec = {
    resize: async (opts: { w: number; h: number }) => {
      calls.push(`${opts.w}x${opts.h}`);
      if (failures-- > 0) throw new Error('timeout waiting for exec session ready');
    },
    inspect: async () => {
      if (inspectFails) throw new Error('no such exec');
      return { Running: state.running, ExitCode: state.exitCode } as Docker.ExecInspectInfo;
    },
  } as unknown as Pick<Docker.Exec, 'resize' | 'inspect'>;
  return { exec, calls };
}

describe('resizeExec', () => {
  it('tries again while the exec has not started, until the size is applied', async () => {
    const { exec, calls } = fakeExec(2, { running: false, exitCode: null });
    await resizeExec(exec, 100, 20);
    assert.deepEqual(calls, ['100x20', '100x20', '100x20']);
  });

  it('tries again while the exec runs', async () => {
    const { exec, calls } = fakeExec(1, { running: true, exitCode: null });
    await resizeExec(exec, 100, 20);
    assert.deepEqual(calls, ['100x20', '100x20']);
  });

  it('resolves without retrying when the process has ended', async () => {
    const { exec, calls } = fakeExec(5, { running: false, exitCode: 0 });
    await resizeExec(exec, 100, 20);
    assert.deepEqual(calls, ['100x20']);
  });

  it("rejects with dockerd's error once its patience is spent, or when the exec is gone", async () => {
    const never = fakeExec(Number.POSITIVE_INFINITY, { running: false, exitCode: null });
    await assert.rejects(resizeExec(never.exec, 100, 20, 60), /timeout waiting for exec session ready/);
    assert.ok(never.calls.length >= 2, `tried ${never.calls.length} times`);
    const gone = fakeExec(1, { running: false, exitCode: null }, true);
    await assert.rejects(resizeExec(gone.exec, 100, 20), /timeout waiting for exec session ready/);
    assert.deepEqual(gone.calls, ['100x20']);
  });
});
