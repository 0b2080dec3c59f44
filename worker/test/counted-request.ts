import { createExecutionContext, env, waitOnExecutionContext } from "cloudflare:test";
import worker from "../index";
import { countingD1 } from "./counting";

/**
 * One request through `worker.fetch` on a counting D1 (./counting.ts), its after-response work
 * awaited: the answer and every D1 call it made, for tests that hold what a request costs.
 */
export async function countedRequest(
  host: string,
  method: string,
  path: string,
  opts: { cookie?: string; json?: unknown; form?: Record<string, string> } = {},
): Promise<{ status: number; body: string; counted: ReturnType<typeof countingD1> }> {
  const counted = countingD1(env.DB);
  const ctx = createExecutionContext();
  const headers: Record<string, string> = { host, ...(opts.cookie ? { cookie: opts.cookie } : {}) };
  let body: string | undefined;
  if (opts.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(opts.json);
  } else if (opts.form) {
    headers["content-type"] = "application/x-www-form-urlencoded";
    body = new URLSearchParams(opts.form).toString();
  }
  const res = await worker.fetch(new Request(`http://${host}${path}`, { method, headers, body }), { ...env, DB: counted.db }, ctx);
  const text = await res.text();
  await waitOnExecutionContext(ctx);
  return { status: res.status, body: text, counted };
}
