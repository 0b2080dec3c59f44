import { h, hydrate, render, type ComponentType } from "preact";
import { CLIENT_RENDER, islands, isIslandName } from "./islands";

async function mount(el: HTMLElement): Promise<void> {
  const name = el.dataset.island ?? "";
  if (!isIslandName(name)) return;
  const { default: component }: { default: ComponentType<never> } = await islands[name]();
  // The server serialised these props for this very component.
  const vnode = h(component, JSON.parse(el.dataset.props ?? "{}") as never);
  if (el.dataset.mode === CLIENT_RENDER) render(vnode, el);
  else hydrate(vnode, el);
}

for (const el of document.querySelectorAll<HTMLElement>("[data-island]")) {
  mount(el).catch((error: unknown) => console.error(`island ${el.dataset.island ?? "?"} failed`, error));
}
