// The shapes the profile-fields API answers and its admin pages read
// (web/pages/profiles/admin-fields.ts): types only, so `web/` may read them with
// `import type` without depending on the Worker's code.
import type { FieldType } from "./fields";

/** A profile field definition as the admin API answers it. */
export type FieldView = {
  id: string;
  key: string;
  label: string;
  type: FieldType;
  options: string[];
  visibility: "member" | "admins";
  editable: boolean;
  required: boolean;
  public: boolean;
  filterable: boolean;
  askAtSignup: boolean;
  /** Group slugs; empty: every member. */
  groups: string[];
  position: number;
};
