import { describe, expect, it } from "vitest";
import type { PageContext, ProfilePrompt } from "../../web/ui/page";
import { contextKey } from "./render";

// `contextKey` names each field of the page context by hand (it is computed on every page
// view). A field it forgot would let one reader's remembered page be shown for another
// context: the sample is `Required<PageContext>`, so a new field does not type-check here until
// it is added, and then this test fails until the key names it.

const sample = (): Required<PageContext> => ({
  tenant: {} as PageContext["tenant"],
  user: {} as PageContext["user"],
  userAvatarUrl: "/media/avatar",
  lang: "fr",
  nonce: "nonce-1",
  path: "/",
  rootUrl: "https://communities.test",
  tenantUrl: "https://hive.communities.test",
  logoUrl: "/media/logo",
  faviconUrl: "/media/favicon",
  profilePrompt: { signup: [], join: [] },
  pendingMembers: 1,
  pendingMemberships: 2,
  helpUnread: 3,
  viewingAsMember: false,
  membershipTab: true,
});

/** Another value of the same field. */
function changed(field: keyof PageContext, value: unknown): unknown {
  if (field === "tenant" || field === "user") return {};
  if (field === "lang") return "en";
  if (field === "profilePrompt") return { signup: [{ id: "f" }], join: [] } as unknown as ProfilePrompt;
  if (typeof value === "string") return `${value}x`;
  if (typeof value === "number") return value + 1;
  if (typeof value === "boolean") return !value;
  throw new Error(`no other value for ${field}`);
}

describe("contextKey", () => {
  it("changes with every field of the page context but the nonce, and is the same for an equal context", () => {
    const base = sample();
    const key = contextKey(base);
    expect(contextKey({ ...base })).toBe(key);
    expect(contextKey({ ...base, nonce: "nonce-2" })).toBe(key);
    const fields = Object.keys(base) as (keyof PageContext)[];
    expect(fields).toHaveLength(16);
    for (const field of fields) {
      if (field === "nonce") continue;
      const other = { ...base, [field]: changed(field, base[field]) } as PageContext;
      expect(contextKey(other), field).not.toBe(key);
      // Absent (null or undefined) is another value too, where the type allows it.
      if (field !== "lang" && field !== "path" && field !== "rootUrl") expect(contextKey({ ...base, [field]: null } as unknown as PageContext), `${field} null`).not.toBe(key);
    }
  });
});
