// POST /containers/{id}/wait: the waiter is registered when the request arrives (before the client's start), then
// resolves on cache events: not-running (now, if the container does not run), next-exit (the first exit after the
// request), removed (every pod gone; the status is the last exit seen).

import type { WaitCondition, WaitResult } from '../../api/containers/backend.ts';
import { InvalidParameter } from '../../errors.ts';
import { type EngineContext, isActive } from './context.ts';
import type { FoundContainer } from './lookup.ts';

const CONDITIONS = new Set<WaitCondition>(['not-running', 'next-exit', 'removed']);

export function parseWaitCondition(raw: string | null): WaitCondition {
  if (raw === null || raw === '') return 'not-running';
  if (!CONDITIONS.has(raw as WaitCondition)) throw new InvalidParameter(`invalid condition: "${raw}"`);
  return raw as WaitCondition;
}

/** The identity of a finished run: changes with every exit (new generation, restart, tombstone). */
function exitKey(c: FoundContainer): string | undefined {
  const s = c.state;
  if (s.status === 'exited' || s.status === 'dead' || s.status === 'restarting') {
    return `${c.record.generation}/${s.restartCount}/${s.finishedAt}`;
  }
  return undefined;
}

/** An exit code the container ended with (an exit, or a failed start as dockerd records it). */
function exitCodeOf(c: FoundContainer): number | undefined {
  const s = c.state;
  if (exitKey(c) !== undefined) return s.exitCode;
  if (s.status === 'created' && s.error && s.exitCode !== 0) return s.exitCode;
  if (s.status === 'removing') return s.exitCode;
  return undefined;
}

export function waitContainer(
  ctx: EngineContext,
  ref: string,
  condition: WaitCondition,
): { id: string; result: (signal: AbortSignal) => Promise<WaitResult> } {
  const c = ctx.lookup.findContainer(ref);
  const id = c.id;
  const baseline = exitKey(c);
  let lastExit = exitCodeOf(c);
  let wasActive = isActive(c);
  const done = (code: number): WaitResult => ({ StatusCode: code, Error: null });
  return {
    id,
    result: (signal) => {
      if (condition === 'not-running' && !isActive(c)) return Promise.resolve(done(c.state.exitCode));
      return ctx.lookup.waitFor<WaitResult>(
        id,
        (x) => {
          if (!x) return done(lastExit ?? (wasActive ? 137 : 0));
          const code = exitCodeOf(x);
          if (code !== undefined) lastExit = code;
          wasActive = isActive(x);
          if (condition === 'not-running' && !isActive(x)) return done(x.state.exitCode);
          if (condition === 'next-exit') {
            const key = exitKey(x);
            if (key !== undefined && key !== baseline) return done(x.state.exitCode);
          }
          return undefined;
        },
        { signal },
      );
    },
  };
}
