// The shapes the invitations API answers and its pages and islands read
// (web/islands/ImportPreview.ts): types only, importing nothing, so `web/` may read
// them with `import type` without depending on the Worker's code.

/** A row of an import file that stops the import (422), with what is wrong with it. */
export type RowError = { row: number; email: string; errors: string[] };

/** One row of an import file as the API plans it (`POST /api/v1/invitations/import`). */
export type RowPlan = {
  row: number;
  email: string;
  firstName: string | null;
  lastName: string | null;
  language: string | null;
  groups: string[];
  tenantRole: "admin" | "member";
  action: "invite" | "add_to_groups" | "skip";
  reason?: "already_invited" | "already_member" | "banned";
};

/** What a committed import did. */
export type ImportReport = { invited: string[]; addedToGroups: string[]; skipped: { email: string; reason: string }[]; rows: RowPlan[] };
