// The account shapes the pages read (web/ui/page.ts `PageContext`): types only,
// importing nothing, so `web/` may read them with `import type`. The D1 row
// (`User`, worker/db/schema.ts) has these fields and more (never a password hash here).

/** The signed-in person, as the layout and the pages read them. */
export type UserView = {
  id: string;
  email: string;
  name: string;
  tenantRole: "owner" | "admin" | "moderator" | "member";
};
