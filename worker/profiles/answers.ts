import { z } from "zod";
import { listAnswer } from "../invoices/answers";
import { tenantRole } from "../auth/answers";
import { FIELD_TYPES } from "./fields";

// What the profile routes answer (API.md "Profile fields"), from `FieldView` (types.ts),
// `OwnProfile`, `AdminProfile` and `DirectoryEntry` (service.ts).

const fieldType = z.enum(FIELD_TYPES);
const visibility = z.enum(["member", "admins"]);
/** A stored value: text-like types and dates as strings, numbers, booleans, or the chosen options. */
export const fieldValueAnswer = z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]);

/** A profile field definition (admins). */
export const fieldAnswer = z.strictObject({
  id: z.string(),
  key: z.string(),
  label: z.string(),
  type: fieldType,
  options: z.array(z.string()),
  visibility,
  editable: z.boolean(),
  required: z.boolean(),
  public: z.boolean(),
  filterable: z.boolean(),
  askAtSignup: z.boolean(),
  /** Group slugs; empty: every member. */
  groups: z.array(z.string()),
  position: z.number().int(),
});
export const oneFieldAnswer = z.strictObject({ field: fieldAnswer });
export const fieldListAnswer = listAnswer(fieldAnswer);

/** A field of the member's own profile (`options` for choice fields only). */
export const ownFieldAnswer = z.strictObject({
  key: z.string(),
  label: z.string(),
  type: fieldType,
  value: fieldValueAnswer.nullable(),
  editable: z.boolean(),
  required: z.boolean(),
  public: z.boolean(),
  options: z.array(z.string()).optional(),
});
/** `GET`/`PATCH /api/v1/me/profile`: fields with `visibility: "admins"` are never in it. */
export const ownProfileAnswer = z.strictObject({
  id: z.string(),
  name: z.string(),
  bio: z.string().nullable(),
  avatarUrl: z.string().nullable(),
  language: z.string().nullable(),
  fields: z.array(ownFieldAnswer),
});

/** A field of a member's profile as admins see it: `editable` is the admin's (always), `memberEditable` the member's. */
export const adminFieldAnswer = ownFieldAnswer.extend({ visibility, memberEditable: z.boolean(), applies: z.boolean(), groups: z.array(z.string()) });
/** `GET`/`PATCH /api/v1/members/{userId}/profile`: every field (admins). */
export const memberProfileAnswer = z.strictObject({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  tenantRole,
  /** The stored state: `disabled` is the older name of `suspended`. */
  status: z.enum(["active", "pending_approval", "suspended", "disabled"]),
  bio: z.string().nullable(),
  avatarUrl: z.string().nullable(),
  language: z.string().nullable(),
  groups: z.array(z.string()),
  fields: z.array(adminFieldAnswer),
});

/** One member of the directory with their public fields. */
export const directoryEntryAnswer = z.strictObject({
  userId: z.string(),
  name: z.string(),
  bio: z.string().nullable(),
  avatarUrl: z.string().nullable(),
  fields: z.array(z.strictObject({ key: z.string(), label: z.string(), type: fieldType, value: fieldValueAnswer })),
});
export const directoryAnswer = listAnswer(directoryEntryAnswer);

/** `PUT /api/v1/me/avatar`: where the stored picture is served. */
export const avatarAnswer = z.strictObject({ url: z.string() });
