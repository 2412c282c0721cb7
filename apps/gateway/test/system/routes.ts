import type { Express } from 'express';

export interface RouteEntry {
  method: string;
  path: string;
}

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  match(path: string): boolean;
}

/**
 * Every route the app serves, read from Express's own router stack (recursing into mounted
 * routers), so a test that must cover all routes cannot silently miss a new one. Mount points are
 * resolved against the candidates the app uses; an unknown mount point is an error, not a skip.
 */
export function listRoutes(app: Express, mounts: string[]): RouteEntry[] {
  const out: RouteEntry[] = [];
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods))
          out.push({ method: method.toUpperCase(), path: prefix + layer.route.path });
      } else if (layer.handle?.stack) {
        const routes = layer.handle.stack.some((l) => l.route || l.handle?.stack);
        if (!routes) continue;
        // A router mounted at '/' matches any path; otherwise find which known mount point it has.
        const mount = layer.match('/__no_such_mount__/x') ? '' : mounts.find((m) => layer.match(m));
        if (mount === undefined) throw new Error(`router mounted at an unknown path under "${prefix}"`);
        walk(layer.handle.stack, prefix + mount);
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  // A path can be declared twice (a pre-auth step such as acceptQueryToken, then the handler).
  return [...new Map(out.map((r) => [`${r.method} ${r.path}`, r])).values()];
}
