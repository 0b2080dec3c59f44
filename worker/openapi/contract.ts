/**
 * The routes the contract's tables name (`| \`METHOD /path\` |` rows of API.md), read from the
 * rows' whole text: a row may name several routes (`GET`/`PATCH`/`DELETE /api/v1/webhooks/{id}`,
 * `POST …/{id}/rotate-secret`, `POST /a/{id}/approve` / `.../decline`). A relative path (`…/x`,
 * `.../x`) continues the last path named before it: from the last occurrence of its first
 * segment, else below it when it starts with a parameter (`…/{id}`), else as a sibling of its
 * last segment; without a method of its own (first column only) it takes the method named
 * before it. A bare method takes the path only when a `/` alone separates them
 * (`` `GET`/`PATCH /x` ``). Path parameters are compared by position only (`{}`), query strings
 * are dropped.
 */
const METHOD = /^(GET|POST|PUT|PATCH|DELETE|HEAD)\b/;
const RELATIVE = /^(…|\.\.\.)\//;

/** `/a/{id}` and `/a/:id{[0-9]+}` both read `/a/{}`. */
export const normalize = (path: string) => path.replace(/\{[^}]*\}/g, "{}").replace(/:[A-Za-z0-9_]+(\{[^}]*\})?/g, "{}").replace(/\{\}\{\}/g, "{}");

function resolve(last: string, relative: string): string {
  const rel = relative.replace(RELATIVE, "").split("/");
  const base = last.split("/");
  const at = base.lastIndexOf(rel[0]!);
  if (at > 0) return [...base.slice(0, at), ...rel].join("/");
  return [...(rel[0]!.startsWith("{") ? base : base.slice(0, -1)), ...rel].join("/");
}

export function contractRoutes(markdown: string): Set<string> {
  const routes = new Set<string>();
  for (const row of markdown.split("\n")) {
    if (!/^\| `(GET|POST|PUT|PATCH|DELETE|HEAD)[ `]/.test(row)) continue;
    const cells = row.split(/(?<!\\)\|/).slice(1);
    let last = "";
    let lastMethod = "";
    let pending: string[] = [];
    cells.forEach((cell, index) => {
      let end = -1;
      for (const match of cell.matchAll(/`([^`]*)`/g)) {
        const span = match[1];
        // A bare method waits for the next path only when a lone `/` separates them.
        if (pending.length && cell.slice(end, match.index).trim() !== "/") pending = [];
        end = match.index + match[0].length;
        const m = METHOD.exec(span!);
        const rest = (m ? span!.slice(m[0].length) : span!).trim().split(/[\s?]/)[0] ?? "";
        const isPath = rest.startsWith("/api/") || (RELATIVE.test(rest) && last !== "");
        if (!m) {
          if (index === 0 && isPath && lastMethod) {
            last = rest.startsWith("/") ? rest : resolve(last, rest);
            routes.add(`${lastMethod} ${normalize(last)}`);
          }
          continue;
        }
        if (!isPath) {
          pending.push(m[1]!); // a bare method (`GET`/`PATCH /…`), or a method and its body: it takes the next path
          continue;
        }
        last = rest.startsWith("/") ? rest : resolve(last, rest);
        lastMethod = m[1]!;
        for (const method of [...pending, m[1]!]) routes.add(`${method} ${normalize(last)}`);
        pending = [];
      }
    });
  }
  return routes;
}
