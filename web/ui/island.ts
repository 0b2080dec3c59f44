import type { ComponentChildren, VNode } from "preact";
import { html } from "htm/preact";
import { CLIENT_RENDER, type IslandComponent, type IslandName, type IslandProps } from "../islands";
import BrandingPreview from "../islands/BrandingPreview";
import Chat from "../islands/Chat";
import ColorField from "../islands/ColorField";
import ImportPreview from "../islands/ImportPreview";
import LiveReplies from "../islands/LiveReplies";
import LiveThreads from "../islands/LiveThreads";
import OnlineList from "../islands/OnlineList";
import PasswordField from "../islands/PasswordField";
import RequestQueue from "../islands/RequestQueue";
import PendingWatch from "../islands/PendingWatch";
import MentionSuggest from "../islands/MentionSuggest";
import CopyButton from "../islands/CopyButton";
import BookingPicker from "../islands/BookingPicker";

// The server renders islands synchronously, so it needs the components themselves;
// typed against the client registry so an island cannot be missing on either side.
const serverIslands: { [N in IslandName]: IslandComponent<N> } = {
  PasswordField,
  ColorField,
  BrandingPreview,
  RequestQueue,
  ImportPreview,
  Chat,
  LiveThreads,
  LiveReplies,
  OnlineList,
  PendingWatch,
  MentionSuggest,
  CopyButton,
  BookingPicker,
};

const constantJson = new WeakMap<object, string>();

/**
 * Marks a prop value that never changes once built (a language's strings for an island):
 * frozen, and serialised once here instead of on every page that carries it.
 */
export function islandConstant<T extends object>(value: T): T {
  const freeze = (v: unknown): void => {
    if (v && typeof v === "object" && !Object.isFrozen(v)) {
      Object.freeze(v);
      for (const inner of Object.values(v)) freeze(inner);
    }
  };
  freeze(value);
  constantJson.set(value, jsonForDataBlock(value));
  return value;
}

/**
 * An island's props as the text of a JSON data block. Every `<` is written `\u003c` (the same
 * string to JSON.parse), so no value can end the block (`</script>`) or open a comment in it.
 * A data block is never executed, so the CSP's script-src does not apply to it; and unlike an
 * attribute, it needs no HTML escaping of every quote, which made up much of a page's render time.
 */
export function islandPropsJson(props: object): string {
  // One JSON.stringify for everything that changes from page to page, the constants spliced in.
  const changing: Record<string, unknown> = {};
  const constants: string[] = [];
  for (const [key, value] of Object.entries(props)) {
    const constant = value !== null && typeof value === "object" ? constantJson.get(value) : undefined;
    if (constant === undefined) changing[key] = value;
    else constants.push(`${jsonForDataBlock(key)}:${constant}`);
  }
  const json = jsonForDataBlock(changing);
  if (constants.length === 0) return json;
  return json === "{}" ? `{${constants.join(",")}}` : `${json.slice(0, -1)},${constants.join(",")}}`;
}

function jsonForDataBlock(value: unknown): string {
  const json = JSON.stringify(value);
  return json.includes("<") ? json.replace(/</g, "\\u003c") : json;
}

/**
 * An interactive component: rendered here inside a marker carrying its name, with its
 * props in a JSON block as the marker's first child, then hydrated by web/client.ts.
 * `children`, when given, is server-only fallback content shown instead of the component
 * (for islands that only make sense in the browser); the client then renders over it
 * rather than hydrating.
 */
export function Island<N extends IslandName>({
  name,
  props,
  children,
}: {
  name: N;
  props: IslandProps<N>;
  children?: ComponentChildren;
}): VNode {
  const Component = serverIslands[name];
  const fallback = children !== undefined && children !== null;
  return html`<div class="island" data-island=${name} data-mode=${fallback ? CLIENT_RENDER : undefined}>
    <script type="application/json" dangerouslySetInnerHTML=${{ __html: islandPropsJson(props) }}></script>
    ${fallback ? children : html`<${Component} ...${props} />`}
  </div>`;
}

/** True when rendered HTML holds an island, i.e. when the page needs the client script. */
export function hasIslands(renderedHtml: string): boolean {
  // Preact escapes quotes in text and attribute values, so this only matches a real attribute.
  return renderedHtml.includes(' data-island="');
}
