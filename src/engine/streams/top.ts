// docker top: Kubernetes cannot list a pod's processes from outside, so `ps` runs inside the container (exec) and
// its table is parsed as dockerd parses the host's (moby parsePSOutput). The image needs a `ps` (busybox has one,
// which ignores its arguments). The `ps` process itself is left out of the answer.

import { Conflict, InvalidParameter } from '../../errors.ts';
import type { ContainerLookup } from '../containers/lookup.ts';
import type { PodStreams } from './pod-streams.ts';

export interface TopResult {
  Titles: string[];
  Processes: string[][];
}

/** moby parsePSOutput: titles from the first line; the last column takes the rest of each line. */
export function parsePsOutput(output: string, ran?: string): TopResult {
  const lines = output.split('\n');
  const Titles = (lines[0] ?? '').trim().split(/\s+/).filter(Boolean);
  if (!Titles.includes('PID')) throw new InvalidParameter("Couldn't find PID field in ps output");
  const Processes: string[][] = [];
  for (const line of lines.slice(1)) {
    if (line.trim() === '') continue;
    const fields = line.trim().split(/\s+/);
    const n = Titles.length;
    const row = fields.length >= n ? [...fields.slice(0, n - 1), fields.slice(n - 1).join(' ')] : fields;
    if (ran !== undefined && row[row.length - 1] === ran) continue;
    Processes.push(row);
  }
  return { Titles, Processes };
}

const MAX_OUTPUT = 4 * 1024 * 1024;

/** Runs a command to completion and collects its output (bounded). */
export async function execCapture(
  pods: PodStreams,
  pod: string,
  command: string[],
  signal: AbortSignal,
): Promise<{ code: number; stdout: string; stderr: string } | { startError: string }> {
  let session: Awaited<ReturnType<PodStreams['exec']>>;
  try {
    session = await pods.exec(pod, command, { stdin: false, stdout: true, stderr: true, tty: false, signal });
  } catch (err) {
    return { startError: err instanceof Error ? err.message : String(err) };
  }
  const collect = async (r: AsyncIterable<Buffer>) => {
    const parts: Buffer[] = [];
    let size = 0;
    for await (const chunk of r) {
      if (size < MAX_OUTPUT) parts.push(chunk);
      size += chunk.length;
    }
    return Buffer.concat(parts).toString('utf8');
  };
  try {
    const [result, stdout, stderr] = await Promise.all([
      session.done,
      collect(session.stdout as AsyncIterable<Buffer>),
      collect(session.stderr as AsyncIterable<Buffer>),
    ]);
    return { code: result.exitCode ?? 0, stdout, stderr };
  } catch (err) {
    return { startError: err instanceof Error ? err.message : String(err) };
  } finally {
    session.close();
  }
}

const NO_PS = /executable file not found|no such file or directory|not found/i;

export async function containerTop(
  deps: { lookup: ContainerLookup; pods: PodStreams },
  ref: string,
  psArgs: string,
  signal: AbortSignal,
): Promise<TopResult> {
  const c = deps.lookup.runningPod(ref);
  const pod = c.current.metadata.name ?? '';
  const args = psArgs.trim() === '' ? ['-ef'] : psArgs.trim().split(/\s+/);
  let r = await execCapture(deps.pods, pod, ['ps', ...args], signal);
  if (psArgs.trim() === '' && 'code' in r && r.code !== 0 && !r.stdout.startsWith('OCI runtime exec failed')) {
    r = await execCapture(deps.pods, pod, ['ps'], signal); // a ps without -e/-f
  }
  const failed = 'startError' in r ? r.startError : r.code !== 0 && r.stdout.startsWith('OCI') ? r.stdout : undefined;
  if (failed !== undefined) {
    if (NO_PS.test(failed)) {
      throw new Conflict(
        `docker top runs ps inside the container (Kubernetes cannot list a pod's processes from outside), and the image of ${c.name} has no ps`,
      );
    }
    throw new Conflict(`docker top: ps could not run in the container: ${failed.trim()}`);
  }
  if ('code' in r && r.code !== 0) {
    throw new InvalidParameter(`ps ${args.join(' ')} failed (exit code ${r.code}): ${(r.stderr || r.stdout).trim()}`);
  }
  return parsePsOutput('code' in r ? r.stdout : '', `ps ${args.join(' ')}`.trim());
}
