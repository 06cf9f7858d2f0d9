import type { Express } from 'express';

/** What the walker reads of Express 5's router layers (router 2.x, lib/layer.js). */
interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
  name?: string;
  /** The path given to use(); router 2.3 keeps it. */
  rawPath?: string | string[] | RegExp;
  /** True for a layer mounted at '/' (router 2.x sets it in every version). */
  slash?: boolean;
  matchers?: ((path: string) => false | { path: string })[];
}

/**
 * Prefixes routers are mounted at, for a router package that no longer keeps a layer's path
 * (rawPath came with router 2.3; Express 5's compiled matchers cannot be read back). Each is
 * checked against the layer's own matcher, so a wrong entry cannot pass silently; a mounted
 * router at a prefix missing here makes the walker throw, naming it.
 */
export const KNOWN_MOUNT_PREFIXES = ['/api/v1', '/api', '/admin', '/uploads', '/studio', '/settings'];

function mountPrefix(layer: Layer): string {
  if (layer.slash) return '';
  if (typeof layer.rawPath === 'string') return layer.rawPath === '/' ? '' : layer.rawPath.replace(/\/+$/, '');
  if (layer.rawPath !== undefined) throw new Error(`a router mounted at ${String(layer.rawPath)}: only string prefixes are understood`);
  const matcher = layer.matchers?.[0];
  const found = KNOWN_MOUNT_PREFIXES.find((prefix) => {
    const match = matcher?.(prefix);
    return match && match.path === prefix;
  });
  if (found === undefined) throw new Error(`a router (${layer.name}) mounted at a prefix the walker cannot read: add it to KNOWN_MOUNT_PREFIXES in test/helpers/routes.ts`);
  return found;
}

export interface DeclaredRoute {
  method: string;
  path: string;
}

/**
 * Every route the app declares, as "METHOD /path" pairs in declaration order, read from
 * Express's own router (nested routers and their mount prefixes included), each once: a URL
 * served by two routers (the open media router and the main one) is one route.
 */
export function declaredRoutes(app: Express): DeclaredRoute[] {
  const found = new Map<string, DeclaredRoute>();
  const walk = (stack: Layer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        for (const path of paths) {
          for (const [method, on] of Object.entries(layer.route.methods)) {
            if (!on) continue;
            const route = { method: method === '_all' ? 'ALL' : method.toUpperCase(), path: `${prefix}${path}` };
            found.set(`${route.method} ${route.path}`, route);
          }
        }
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack, prefix + mountPrefix(layer));
      }
    }
  };
  walk((app as unknown as { router: { stack: Layer[] } }).router.stack, '');
  return [...found.values()];
}

export const routeKey = (route: DeclaredRoute) => `${route.method} ${route.path}`;
