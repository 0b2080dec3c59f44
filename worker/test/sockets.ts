import { expect } from "vitest";
import { call, type TestTenant } from "./helpers";

/** A socket accepted from a `101 Switching Protocols` answer, with what it heard. */
export type TestSocket<E> = { ws: WebSocket; events: E[]; closed: number[] };

/** Accepts the socket of a 101 answer and collects its JSON events (keep-alive "pong"s left out) and its close codes. */
export function collectSocket<E>(res: Response): TestSocket<E> {
  if (res.status !== 101 || !res.webSocket) throw new Error(`not a socket: ${res.status}`);
  const ws = res.webSocket;
  const events: E[] = [];
  const closed: number[] = [];
  ws.accept();
  ws.addEventListener("message", (e) => {
    if (typeof e.data === "string" && e.data !== "pong") events.push(JSON.parse(e.data) as E);
  });
  ws.addEventListener("close", (e) => closed.push(e.code));
  return { ws, events, closed };
}

/** A socket path refuses the upgrade, without a socket, to a visitor (401) and to `cookie`'s holder (403). */
export async function expectUpgradeRefused(tenant: TestTenant, path: string, cookie: string) {
  const upgrade = { upgrade: "websocket" };
  const anon = await call(tenant.host, "GET", path, { headers: upgrade });
  expect([anon.status, anon.webSocket]).toEqual([401, null]);
  const refused = await call(tenant.host, "GET", path, { cookie, headers: upgrade });
  expect([refused.status, refused.webSocket]).toEqual([403, null]);
}
