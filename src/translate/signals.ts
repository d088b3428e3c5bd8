// Signal names and numbers as Docker parses them (moby/sys/signal ParseSignal, Linux table), and how badidea can
// deliver one to a container running in a pod.

import { invalid } from './translation-error.ts';

const BASE: Record<string, number> = {
  HUP: 1,
  INT: 2,
  QUIT: 3,
  ILL: 4,
  TRAP: 5,
  ABRT: 6,
  IOT: 6,
  BUS: 7,
  FPE: 8,
  KILL: 9,
  USR1: 10,
  SEGV: 11,
  USR2: 12,
  PIPE: 13,
  ALRM: 14,
  TERM: 15,
  STKFLT: 16,
  CHLD: 17,
  CLD: 17,
  CONT: 18,
  STOP: 19,
  TSTP: 20,
  TTIN: 21,
  TTOU: 22,
  URG: 23,
  XCPU: 24,
  XFSZ: 25,
  VTALRM: 26,
  PROF: 27,
  WINCH: 28,
  IO: 29,
  POLL: 29,
  PWR: 30,
  SYS: 31,
  RTMIN: 34,
  RTMAX: 64,
};

function signalTable(): Map<string, number> {
  const table = new Map(Object.entries(BASE));
  for (let i = 1; i <= 15; i++) table.set(`RTMIN+${i}`, 34 + i);
  for (let i = 1; i <= 14; i++) table.set(`RTMAX-${i}`, 64 - i);
  return table;
}

const SIGNALS = signalTable();

export const SIGKILL = 9;
export const SIGTERM = 15;

/**
 * Parses `HUP`, `SIGHUP`, `sigusr1`, `15`, `SIGRTMIN+3` into a Linux signal number; anything else is Docker's
 * 400 `Invalid signal: <raw>`.
 */
export function parseSignal(raw: string): number {
  if (/^[0-9]+$/.test(raw)) {
    const n = Number(raw);
    if (n >= 1 && n <= 64) return n;
    throw invalid(`Invalid signal: ${raw}`);
  }
  const upper = raw.toUpperCase();
  const n = SIGNALS.get(upper.startsWith('SIG') ? upper.slice(3) : upper);
  if (n === undefined) throw invalid(`Invalid signal: ${raw}`);
  return n;
}

/** `SIGUSR1` for 10, `SIGRTMIN+3` for 37; the canonical (first-listed) name. */
export function signalName(n: number): string {
  for (const [name, value] of SIGNALS) if (value === n) return `SIG${name}`;
  return `SIG${n}`;
}

/**
 * How the engine delivers a signal, given the container's effective stop signal:
 * - `terminate`: the signal the kubelet sends on termination (the stop signal), or SIGKILL: end the pod's run
 *   through the kubelet (activeDeadlineSeconds), which sends the stop signal and SIGKILL after the grace period;
 * - `exec`: any other signal: exec `argv` in the container (needs a `kill` binary in the image). The target is
 *   PID 1, or every process but the sandbox's init when the pod shares its process namespace (HostConfig.Init).
 */
export type SignalDelivery = { via: 'terminate'; kill: boolean } | { via: 'exec'; argv: string[] };

export function signalDelivery(signal: number, stopSignal: number, sharedPidNamespace: boolean): SignalDelivery {
  if (signal === SIGKILL) return { via: 'terminate', kill: true };
  if (signal === stopSignal) return { via: 'terminate', kill: false };
  return { via: 'exec', argv: ['kill', `-${signal}`, sharedPidNamespace ? '-1' : '1'] };
}
