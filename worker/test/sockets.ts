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
