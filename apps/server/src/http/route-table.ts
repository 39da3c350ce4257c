// Finds the route for a request: a trie over path segments, built once from
// the route list. Express walked its ~600 layers (every route plus a 405
// catch-all per path) with a regular expression each, per request; this
// lookup costs one map access per segment. A literal segment wins over a
// parameter (`/rooms/:roomId/state` before `/rooms/:roomId/:anything`), with
// backtracking when the literal branch has no route.

import type { AnyRoute } from "./route.js";

/** The outcome of a lookup. */
export type RouteLookup =
  | { readonly kind: "route"; readonly route: AnyRoute; readonly params: Record<string, string> }
  /** The path exists with other methods: 405. */
  | { readonly kind: "method-not-allowed" }
  | { readonly kind: "not-found" }
  /** A path parameter is not valid percent-encoding. */
  | { readonly kind: "bad-param"; readonly name: string };

interface Endpoint {
  readonly route: AnyRoute;
  /** Parameter names, in path order. */
  readonly names: readonly string[];
}

class TrieNode {
  readonly literals = new Map<string, TrieNode>();
  param: TrieNode | undefined;
  readonly methods = new Map<string, Endpoint>();
}

/** Routes indexed by path (Express 5 syntax: literal segments and `:name` parameters). */
export class RouteTable {
  readonly #root = new TrieNode();

  constructor(routes: readonly AnyRoute[]) {
    for (const route of routes) this.#add(route);
  }

  #add(route: AnyRoute): void {
    let node = this.#root;
    const names: string[] = [];
    for (const segment of segmentsOf(route.path)) {
      if (segment.startsWith(":")) {
        names.push(segment.slice(1));
        node = node.param ??= new TrieNode();
      } else {
        let next = node.literals.get(segment);
        if (!next) node.literals.set(segment, (next = new TrieNode()));
        node = next;
      }
    }
    // The first declaration of a method and path wins, as it did with Express.
    if (!node.methods.has(route.method)) node.methods.set(route.method, { route, names });
  }

  /**
   * The route for `method` and `path` (the raw, still percent-encoded path
   * without the query). HEAD is served by the GET route; a trailing slash is
   * ignored.
   */
  lookup(method: string, path: string): RouteLookup {
    const segments = segmentsOf(path);
    const values: string[] = [];
    let pathExists = false;
    const search = (node: TrieNode, depth: number): Endpoint | undefined => {
      if (depth === segments.length) {
        if (node.methods.size === 0) return undefined;
        pathExists = true;
        return node.methods.get(method) ?? (method === "HEAD" ? node.methods.get("GET") : undefined);
      }
      const segment = segments[depth]!;
      const literal = node.literals.get(segment);
      if (literal) {
        const found = search(literal, depth + 1);
        if (found) return found;
      }
      if (node.param && segment !== "") {
        values.push(segment);
        const found = search(node.param, depth + 1);
        if (found) return found;
        values.pop();
      }
      return undefined;
    };
    const endpoint = search(this.#root, 0);
    if (!endpoint) return { kind: pathExists ? "method-not-allowed" : "not-found" };
    const params: Record<string, string> = {};
    for (const [i, name] of endpoint.names.entries()) {
      const raw = values[i]!;
      try {
        params[name] = raw.includes("%") ? decodeURIComponent(raw) : raw;
      } catch {
        return { kind: "bad-param", name };
      }
    }
    return { kind: "route", route: endpoint.route, params };
  }
}

/** `/a/b/` → `["a", "b"]`; `/` → `[]`. */
function segmentsOf(path: string): string[] {
  const trimmed = path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
  return trimmed === "/" || trimmed === "" ? [] : trimmed.slice(1).split("/");
}
