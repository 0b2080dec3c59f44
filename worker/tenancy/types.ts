// The tenancy shapes the pages read (web/ui/page.ts `PageContext`): types only,
// importing nothing, so `web/` may read them with `import type`. The D1 row
// (`Tenant`, worker/db/schema.ts) has these fields and more, and is passed as is.

/** The community a page is shown in: what the layout and the pages read of the tenant. */
export type TenantView = {
  name: string;
  signupPolicy: "open" | "approval" | "invite_only";
  defaultLanguage: string;
  timezone: string;
  primaryColor: string;
  accentColor: string | null;
  features: Record<string, boolean>;
  /** Who may create groups: every active member, or tenant owners and admins only. */
  groupCreation: "everyone" | "admins";
};
