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
};

/**
 * An interactive component: rendered here inside a marker carrying its name and
 * props, then hydrated by web/client.ts. `children`, when given, is server-only
 * fallback content shown instead of the component (for islands that only make
 * sense in the browser); the client then renders over it rather than hydrating.
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
  return html`<div
    class="island"
    data-island=${name}
    data-props=${JSON.stringify(props)}
    data-mode=${fallback ? CLIENT_RENDER : undefined}
  >
    ${fallback ? children : html`<${Component} ...${props} />`}
  </div>`;
}

/** True when rendered HTML holds an island, i.e. when the page needs the client script. */
export function hasIslands(renderedHtml: string): boolean {
  // Preact escapes quotes in text and attribute values, so this only matches a real attribute.
  return renderedHtml.includes(' data-island="');
}
