import type { Scope } from "./scopes";

/** A token as the API lists it (never its secret); times are ISO. */
export type ApiTokenView = {
  id: string;
  name: string;
  scopes: Scope[];
  createdBy: { id: string; name: string };
  createdAt: string;
  lastUsedAt: string | null;
};
