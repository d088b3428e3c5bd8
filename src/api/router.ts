// The route table: each resource contributes a list of routes (src/api/<resource>/routes.ts); every route is
// served both bare and under /vX.Y (the version prefix is stripped before matching, see version.ts).

import type { Method, Route } from './context.ts';

interface Compiled {
  route: Route;
  regex: RegExp;
  names: string[];
}

export interface Match {
  route: Route;
  params: Record<string, string>;
}

export class Router {
  readonly #routes: Compiled[] = [];

  /** Routes are tried in the order they were added: add specific paths before overlapping patterns. */
  add(routes: readonly Route[]): this {
    for (const route of routes) {
      const names: string[] = [];
      const source = route.path
        .split(/(\{[a-zA-Z0-9_]+\*?\})/)
        .map((part) => {
          const m = /^\{([a-zA-Z0-9_]+)(\*?)\}$/.exec(part);
          if (!m) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          names.push(m[1]);
          return m[2] ? '(.+)' : '([^/]+)';
        })
        .join('');
      this.#routes.push({ route, regex: new RegExp(`^${source}$`), names });
    }
    return this;
  }

  match(method: string, path: string): Match | undefined {
    for (const c of this.#routes) {
      if (c.route.method !== method) continue;
      const m = c.regex.exec(path);
      if (!m) continue;
      const params: Record<string, string> = {};
      let ok = true;
      c.names.forEach((name, i) => {
        try {
          params[name] = decodeURIComponent(m[i + 1]);
        } catch {
          ok = false;
        }
      });
      if (ok) return { route: c.route, params };
    }
    return undefined;
  }

  /** All routes (for diagnostics and tests). */
  list(): { method: Method; path: string }[] {
    return this.#routes.map((c) => ({ method: c.route.method, path: c.route.path }));
  }
}
