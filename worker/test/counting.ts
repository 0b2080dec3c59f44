/**
 * The D1 binding, counting every statement executed (alone or in a batch): how a test measures
 * what a job costs in queries (D1 allows 1,000 per invocation), and the SQL of every statement prepared.
 * `calls` counts round trips instead: one per `.all()/.first()/.run()/.raw()` and one per `batch()`,
 * whatever it holds (what a call costs on workerd is mostly the call, not its statements).
 */
export function countingD1(db: D1Database): { db: D1Database; count: () => number; calls: () => number; sql: Set<string> } {
  let n = 0;
  let calls = 0;
  const sql = new Set<string>();
  const real = new WeakMap<object, D1PreparedStatement>();
  const wrap = (s: D1PreparedStatement): D1PreparedStatement => {
    const proxy = new Proxy(s, {
      get(target, prop) {
        if (prop === "bind") return (...args: unknown[]) => wrap(target.bind(...args));
        const value = Reflect.get(target, prop) as unknown;
        if (typeof value !== "function") return value;
        if (prop === "all" || prop === "first" || prop === "run" || prop === "raw") {
          return (...args: unknown[]) => {
            n++;
            calls++;
            return (value as (...a: unknown[]) => unknown).apply(target, args);
          };
        }
        return (value as (...a: unknown[]) => unknown).bind(target);
      },
    });
    real.set(proxy, s);
    return proxy;
  };
  const proxy = new Proxy(db, {
    get(target, prop) {
      if (prop === "prepare")
        return (query: string) => {
          sql.add(query);
          return wrap(target.prepare(query));
        };
      if (prop === "batch") {
        return (statements: D1PreparedStatement[]) => {
          n += statements.length;
          calls++;
          return target.batch(statements.map((s) => real.get(s) ?? s));
        };
      }
      const value = Reflect.get(target, prop) as unknown;
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { db: proxy, count: () => n, calls: () => calls, sql };
}
