import { html } from "htm/preact";
import type { VNode } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { Lang } from "../i18n";
import type { OnlineMember } from "../pages/discussions/types";
import { fill, PersonAvatar } from "./discussion-parts";
import { joinRoom } from "./room-socket";
import { formatNumber } from "../ui/format";

export type OnlineListStrings = {
  title: string;
  empty: string;
  /** "{count}" is filled in: the people beyond the ones listed. */
  more: string;
};

export type OnlineListProps = {
  slug: string;
  lang: Lang;
  online: OnlineMember[];
  /** The most names listed. */
  max: number;
  strings: OnlineListStrings;
};

/** Who is in the group's room now, kept up to date by the room's presence events. */
export default function OnlineList(props: OnlineListProps): VNode {
  const { strings, lang } = props;
  const [online, setOnline] = useState(props.online);
  useEffect(
    () =>
      joinRoom(props.slug).subscribe((event) => {
        if (event.type === "presence" && Array.isArray(event.online)) {
          // One entry per person, even with several tabs open.
          const seen = new Set<string>();
          setOnline(event.online.filter((m) => (seen.has(m.userId) ? false : (seen.add(m.userId), true))));
        }
      }),
    [props.slug],
  );
  const shown = online.slice(0, props.max);
  return html`<section class="card side-card online-card" aria-labelledby="online-title">
    <h2 class="side-title" id="online-title">
      <span class="online-dot" aria-hidden="true"></span>
      ${strings.title}
      <span class="side-count">${formatNumber(lang, online.length)}</span>
    </h2>
    ${shown.length === 0
      ? html`<p class="muted side-empty">${strings.empty}</p>`
      : html`<ul class="online-list">
          ${shown.map(
            (m) => html`<li class="online-item" key=${m.userId}>
              <span class="online-avatar">${PersonAvatar({ id: m.userId, name: m.name })}</span>
              <span class="member-name">${m.name}</span>
            </li>`,
          )}
        </ul>`}
    ${online.length > shown.length && html`<p class="side-more">${fill(strings.more, { count: formatNumber(lang, online.length - shown.length) })}</p>`}
  </section>`;
}
