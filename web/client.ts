import { h, hydrate, render, type ComponentType } from "preact";
import { CLIENT_RENDER, islands, isIslandName } from "./islands";

async function mount(el: HTMLElement): Promise<void> {
  const name = el.dataset.island ?? "";
  if (!isIslandName(name)) return;
  const { default: component }: { default: ComponentType<never> } = await islands[name]();
  // The server serialised the props for this very component in a JSON block (web/ui/island.ts);
  // it goes before hydrating, so the island's DOM is exactly what the component renders.
  const data = el.firstElementChild;
  const isProps = data instanceof HTMLScriptElement && data.type === "application/json";
  const props: unknown = isProps ? JSON.parse(data.textContent ?? "{}") : {};
  if (isProps) data.remove();
  const vnode = h(component, props as never);
  if (el.dataset.mode === CLIENT_RENDER) render(vnode, el);
  else hydrate(vnode, el);
}

for (const el of document.querySelectorAll<HTMLElement>("[data-island]")) {
  mount(el).catch((error: unknown) => console.error(`island ${el.dataset.island ?? "?"} failed`, error));
}
