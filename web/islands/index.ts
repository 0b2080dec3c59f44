import type { ComponentProps, FunctionComponent } from "preact";

/**
 * Every island, by the name written in `data-island`. The client imports an island's
 * module only when the page holds it, so each entry is a lazy import (its own chunk).
 */
export const islands = {
  PasswordField: () => import("./PasswordField"),
  ColorField: () => import("./ColorField"),
  BrandingPreview: () => import("./BrandingPreview"),
  RequestQueue: () => import("./RequestQueue"),
  ImportPreview: () => import("./ImportPreview"),
  Chat: () => import("./Chat"),
  LiveThreads: () => import("./LiveThreads"),
  LiveReplies: () => import("./LiveReplies"),
  OnlineList: () => import("./OnlineList"),
  PendingWatch: () => import("./PendingWatch"),
  MentionSuggest: () => import("./MentionSuggest"),
  CopyButton: () => import("./CopyButton"),
  BookingPicker: () => import("./BookingPicker"),
} satisfies Record<string, () => Promise<{ default: FunctionComponent<never> }>>;

export type IslandName = keyof typeof islands;

/** `data-mode` of an island the browser renders over server fallback content instead of hydrating. */
export const CLIENT_RENDER = "client";

export type IslandComponent<N extends IslandName> = Awaited<ReturnType<(typeof islands)[N]>>["default"];

export type IslandProps<N extends IslandName> = ComponentProps<IslandComponent<N>>;

export function isIslandName(name: string): name is IslandName {
  return Object.prototype.hasOwnProperty.call(islands, name);
}
