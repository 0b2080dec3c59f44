import { html } from "htm/preact";
import type { VNode } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { Avatar } from "../ui/avatar";

export type MentionSuggestProps = { slug: string; label: string };
type Member = { userId: string; name: string; avatarUrl?: string | null };

/** The composers it serves: thread and reply bodies, the chat's input. */
const FIELDS = 'textarea[name="body"], textarea.chat-input';
/** "@" then what was typed so far (a name may hold one space: "@elodie m"), right before the caret. */
const TYPED = /(?:^|[\s(])@([\p{L}\p{N}_.'’-]{0,30}(?: [\p{L}\p{N}_.'’-]{0,30})?)$/u;

/**
 * Typing "@" in a composer suggests the group's members by name (accents and spaces
 * aside, the server matches); Up/Down choose, Enter or Tab inserts "@Full Name", which
 * the server links to the member. Without JavaScript the composers work as before and
 * "@Full Name" typed by hand is recognised the same way.
 */
export default function MentionSuggest({ slug, label }: MentionSuggestProps): VNode {
  const [items, setItems] = useState<Member[]>([]);
  const [active, setActive] = useState(0);
  const [box, setBox] = useState<{ top: number; left: number; width: number } | null>(null);
  const state = useRef({ field: null as HTMLTextAreaElement | null, start: 0, items: [] as Member[], active: 0, timer: 0 as unknown as ReturnType<typeof setTimeout>, seq: 0 });
  state.current.items = items;
  state.current.active = active;

  useEffect(() => {
    const s = state.current;
    const close = () => {
      s.seq++;
      setItems([]);
      s.field?.setAttribute("aria-expanded", "false");
    };
    const pick = (m: Member) => {
      const f = s.field;
      if (!f) return;
      const caret = f.selectionStart ?? f.value.length;
      const text = `@${m.name} `;
      f.value = f.value.slice(0, s.start) + text + f.value.slice(caret);
      f.selectionStart = f.selectionEnd = s.start + text.length;
      close();
      // The composer's own island keeps its state from input events.
      f.dispatchEvent(new Event("input", { bubbles: true }));
      f.focus();
    };
    (s as unknown as { pick: (m: Member) => void }).pick = pick;
    const onInput = (e: Event) => {
      const f = e.target as HTMLTextAreaElement;
      if (!(f instanceof HTMLTextAreaElement) || !f.matches(FIELDS)) return;
      const before = f.value.slice(0, f.selectionStart ?? f.value.length);
      const m = TYPED.exec(before);
      if (!m) return close();
      s.field = f;
      s.start = before.length - m[1]!.length - 1;
      f.setAttribute("aria-autocomplete", "list");
      f.setAttribute("aria-controls", "mention-list");
      clearTimeout(s.timer);
      const seq = ++s.seq;
      s.timer = setTimeout(async () => {
        try {
          const res = await fetch(`/api/v1/groups/${encodeURIComponent(slug)}/mentions?q=${encodeURIComponent(m[1]!)}`, { credentials: "same-origin" });
          const found = res.ok ? ((await res.json()) as { items: Member[] }).items : [];
          if (seq !== s.seq) return;
          const r = f.getBoundingClientRect();
          setBox({ top: r.bottom + 4, left: r.left, width: Math.min(Math.max(r.width, 220), 320) });
          setActive(0);
          setItems(found);
          f.setAttribute("aria-expanded", found.length ? "true" : "false");
        } catch {
          // no suggestions; typing goes on
        }
      }, 120);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.target !== s.field || s.items.length === 0) return;
      const n = s.items.length;
      if (e.key === "ArrowDown" || e.key === "ArrowUp") setActive((s.active + (e.key === "ArrowDown" ? 1 : n - 1)) % n);
      else if (e.key === "Enter" || e.key === "Tab") pick(s.items[s.active]!);
      else if (e.key === "Escape") close();
      else return;
      // Before the composer's own handlers (Enter sends a chat message).
      e.preventDefault();
      e.stopPropagation();
    };
    const onBlur = (e: FocusEvent) => {
      if (e.target === s.field) setTimeout(close, 150);
    };
    document.addEventListener("input", onInput, true);
    document.addEventListener("keydown", onKey, true);
    document.addEventListener("blur", onBlur, true);
    return () => {
      document.removeEventListener("input", onInput, true);
      document.removeEventListener("keydown", onKey, true);
      document.removeEventListener("blur", onBlur, true);
    };
  }, [slug]);

  useEffect(() => {
    state.current.field?.setAttribute("aria-activedescendant", items.length ? `mention-${active}` : "");
  }, [items, active]);

  const pick = (m: Member) => (state.current as unknown as { pick: (m: Member) => void }).pick(m);
  return html`<ul
    id="mention-list"
    class="mention-list"
    role="listbox"
    aria-label=${label}
    hidden=${items.length === 0}
    style=${box ? { top: `${box.top}px`, left: `${box.left}px`, width: `${box.width}px` } : undefined}
  >
    ${items.map(
      (m, i) => html`<li
        id=${`mention-${i}`}
        role="option"
        class=${i === active ? "mention-option is-active" : "mention-option"}
        aria-selected=${i === active ? "true" : "false"}
        onMouseDown=${(e: MouseEvent) => {
          e.preventDefault();
          pick(m);
        }}
      >
        ${Avatar({ id: m.userId, name: m.name, url: m.avatarUrl, size: "sm" })}${m.name}
      </li>`,
    )}
  </ul>`;
}
