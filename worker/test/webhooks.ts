import { setWebhookFetchForTests, type WebhookFetch } from "../webhooks/deliver";
import { setWebhookResolverForTests } from "../webhooks/service";

/** A request a fake webhook receiver got. */
export type Received = { url: string; headers: Record<string, string>; body: string; init: RequestInit };

/**
 * A fake receiver for webhook deliveries (no network): every attempt is recorded, and
 * `answer` decides the response (default 204). Installed for the worker with `install()`.
 */
export function fakeReceiver(answer: (r: Received, n: number) => Response | Promise<Response> = () => new Response(null, { status: 204 })) {
  const received: Received[] = [];
  const fetch: WebhookFetch = async (url, init) => {
    const headers = Object.fromEntries(new Headers(init.headers).entries());
    const r = { url, headers, body: String(init.body), init };
    received.push(r);
    return answer(r, received.length);
  };
  return { received, fetch, install: () => setWebhookFetchForTests(fetch) };
}

/** DNS answers for the URL checks, by host name (unknown names resolve to nothing). */
export function fakeDns(records: Record<string, string[]>) {
  setWebhookResolverForTests(async (host) => records[host] ?? []);
  return records;
}

/** Back to the real fetch and DNS over HTTPS. */
export function resetWebhookFakes() {
  setWebhookFetchForTests(null);
  setWebhookResolverForTests(null);
}
