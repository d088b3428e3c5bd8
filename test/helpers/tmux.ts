// Interactive TTY sessions for end-to-end tests: a command in a detached tmux session of a fixed size, keys sent,
// the screen read back.

import { execFileSync } from 'node:child_process';

export interface TmuxSession {
  name: string;
  send(keys: string, enter?: boolean): void;
  screen(): string;
  /** Waits until the screen matches (polling the pane: there is no event for it). */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Resizes the window: the client gets SIGWINCH. */
  resize(width: number, height: number): void;
  kill(): void;
}

export function tmuxSession(command: string, env: NodeJS.ProcessEnv, size = { width: 100, height: 20 }): TmuxSession {
  const name = `bi-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  const vars = Object.entries(env)
    .filter(([k, v]) => v !== undefined && /^(DOCKER_|PATH$|HOME$)/.test(k))
    .map(([k, v]) => `${k}='${String(v).replace(/'/g, "'\\''")}'`)
    .join(' ');
  execFileSync('tmux', [
    'new-session',
    '-d',
    '-s',
    name,
    '-x',
    String(size.width),
    '-y',
    String(size.height),
    `env ${vars} ${command}; echo "EXITED rc=$?"; sleep 600`,
  ]);
  const s: TmuxSession = {
    name,
    send(keys, enter = true) {
      execFileSync('tmux', ['send-keys', '-t', name, '-l', keys]);
      if (enter) execFileSync('tmux', ['send-keys', '-t', name, 'Enter']);
    },
    screen() {
      return execFileSync('tmux', ['capture-pane', '-p', '-t', name], { encoding: 'utf8' });
    },
    async waitFor(pattern, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const text = s.screen();
        if (pattern.test(text)) return text;
        if (Date.now() > deadline) throw new Error(`screen did not show ${pattern} in time:\n${text}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    resize(width, height) {
      execFileSync('tmux', ['resize-window', '-t', name, '-x', String(width), '-y', String(height)]);
    },
    kill() {
      try {
        execFileSync('tmux', ['kill-session', '-t', name], { stdio: 'ignore' });
      } catch {
        // already gone
      }
    },
  };
  return s;
}
