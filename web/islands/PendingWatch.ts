import { html } from "htm/preact";
import type { VNode } from "preact";
import { useEffect } from "preact/hooks";

export type PendingWatchProps = { slug: string; text: string };

/**
 * On an applicant's waiting page: listens to the group's room for the decision on their
 * request, then opens the group (approved) or reloads the page (declined). Without
 * JavaScript the page says the same and the applicant reloads it or follows the email.
 */
export default function PendingWatch({ slug, text }: PendingWatchProps): VNode {
  useEffect(() => {
    let ws: WebSocket | null = null;
    let delay = 1000;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const open = () => {
      const scheme = location.protocol === "https:" ? "wss" : "ws";
      ws = new WebSocket(`${scheme}://${location.host}/api/v1/groups/${encodeURIComponent(slug)}/join/live`);
      ws.onopen = () => (delay = 1000);
      ws.onmessage = (e) => {
        let event: { type?: string; status?: string } = {};
        try {
          event = JSON.parse(String(e.data)) as typeof event;
        } catch {
          return;
        }
        if (event.type !== "decided") return;
        stopped = true;
        if (event.status === "approved") location.assign(`/g/${encodeURIComponent(slug)}`);
        else location.reload();
      };
      ws.onclose = () => {
        if (stopped) return;
        timer = setTimeout(open, delay + Math.random() * 500);
        delay = Math.min(delay * 2, 30_000);
      };
    };
    open();
    return () => {
      stopped = true;
      clearTimeout(timer);
      ws?.close();
    };
  }, [slug]);
  return html`<p class="pending-live field-hint" role="status">${text}</p>`;
}
