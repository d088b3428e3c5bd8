// Docker restart policies: validation with moby's messages, the pod restartPolicy each maps to, and Docker's
// restart-manager decision (used for on-failure:N, which Kubernetes cannot count by itself).

import type { RestartPolicy } from './docker-types.ts';
import { invalid } from './translation-error.ts';

export type DockerRestartPolicy =
  | { name: 'no' }
  | { name: 'always' }
  | { name: 'unless-stopped' }
  | { name: 'on-failure'; maximumRetryCount: number };

/** Validates HostConfig.RestartPolicy as moby's ValidateRestartPolicy does; '' and null mean 'no'. */
export function parseRestartPolicy(policy: RestartPolicy | null | undefined): DockerRestartPolicy {
  const name = policy?.Name ?? '';
  const max = policy?.MaximumRetryCount ?? 0;
  switch (name) {
    case 'always':
    case 'unless-stopped':
    case 'no':
      if (max !== 0) {
        throw invalid(
          `invalid restart policy: maximum retry count can only be used with 'on-failure'${max < 0 ? ' and cannot be negative' : ''}`,
        );
      }
      return { name };
    case 'on-failure':
      if (max < 0) throw invalid('invalid restart policy: maximum retry count cannot be negative');
      return { name, maximumRetryCount: max };
    case '':
      return { name: 'no' };
    default:
      throw invalid(
        `invalid restart policy: unknown policy '${name}'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'`,
      );
  }
}

/**
 * The pod's restartPolicy. The kubelet restarts the container in place (same pod, same logs, restartCount), with
 * its own back-off (10 s doubling to 5 min) instead of Docker's (100 ms doubling to 1 min). `unless-stopped` only
 * differs from `always` when the Docker daemon restarts, which has no counterpart here.
 */
export function podRestartPolicy(policy: DockerRestartPolicy): 'Never' | 'Always' | 'OnFailure' {
  switch (policy.name) {
    case 'no':
      return 'Never';
    case 'always':
    case 'unless-stopped':
      return 'Always';
    case 'on-failure':
      return 'OnFailure';
  }
}

export interface RestartDecisionInput {
  policy: DockerRestartPolicy;
  exitCode: number;
  /** Restarts of this run so far (Docker's RestartCount; the pod container's restartCount). */
  restartCount: number;
  /** docker stop / kill / the container was stopped by a user: Docker's restart manager is cancelled. */
  stoppedByUser: boolean;
}

/** moby's restartmanager.ShouldRestart, for a container whose process just exited. */
export function shouldRestart(input: RestartDecisionInput): boolean {
  const { policy, exitCode, restartCount, stoppedByUser } = input;
  if (stoppedByUser) return false;
  switch (policy.name) {
    case 'no':
      return false;
    case 'always':
    case 'unless-stopped':
      return true;
    case 'on-failure':
      if (policy.maximumRetryCount !== 0 && restartCount >= policy.maximumRetryCount) return false;
      return exitCode !== 0;
  }
}

/**
 * True when the kubelet would restart the container but Docker would not: on-failure:N with N restarts done. The
 * engine then ends the pod's run (activeDeadlineSeconds) so the container stays exited.
 */
export function kubeletWouldOverrun(policy: DockerRestartPolicy, restartCount: number): boolean {
  return policy.name === 'on-failure' && policy.maximumRetryCount > 0 && restartCount >= policy.maximumRetryCount;
}

/** `docker run --rm` with a restart policy is Docker's 400. */
export function checkAutoRemove(autoRemove: boolean, policy: DockerRestartPolicy): void {
  if (autoRemove && policy.name !== 'no') throw invalid("can't create 'AutoRemove' container with restart policy");
}
