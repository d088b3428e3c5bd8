// PodExec over the kube exec client: runs a short command in a pod's main container and collects its output
// (used to deliver signals other than the stop signal: `kill -N 1`).

import { Writable } from 'node:stream';
import type { KubeConfig } from '@kubernetes/client-node';
import { execInPod } from '../../kube/streams/exec.ts';
import { MAIN_CONTAINER } from '../../translate/record.ts';
import type { PodExec } from './context.ts';

export function kubePodExec(kc: KubeConfig, namespace: string, timeoutMs = 30_000): PodExec {
  return async (pod, argv) => {
    let output = '';
    const sink = () =>
      new Writable({
        write(chunk, _enc, cb) {
          if (output.length < 4096) output += String(chunk);
          cb();
        },
      });
    try {
      const { exitCode } = await execInPod({
        kc,
        namespace,
        pod,
        container: MAIN_CONTAINER,
        command: argv,
        tty: false,
        stdout: sink(),
        stderr: sink(),
        signal: AbortSignal.timeout(timeoutMs),
      });
      return { exitCode, output };
    } catch (err) {
      return { exitCode: 126, output: `${output}${(err as Error).message}` };
    }
  };
}
