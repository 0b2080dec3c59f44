import { and, asc, eq, inArray, isNull, max, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { forgetSessions } from "../auth/sessions";
import type { TenantDb } from "../db/client";
import { newId } from "../db/ids";
import { ReadCache } from "../db/read-cache";
import { groups, memberProfiles, memberships, profileFields, profileValues, users, type ProfileField, type User } from "../db/schema";
import { ApiError, conflict, forbidden, notFound } from "../http/errors";
import { language } from "../http/validate";
import { forgetViewer, groupDirectory, viewerRoles } from "../groups/queries";
import { avatarKeysOf } from "./avatar-column";
import {
  checkValue,
  formInputs,
  MAX_FIELDS,
  readValue,
  VALUE_ERRORS,
  type CreateFieldInput,
  type FieldType,
  type FieldValue,
  type UpdateFieldInput,
  valueText,
} from "./fields";
import { applies, askedAtSignup, canManageFields, memberCanFilter, memberCanSee, mustFill, selfCanEdit, selfCanSee, type ProfileActor } from "./policy";
import { contains, fold, foldedOr } from "../http/search";
import { cursorKind, cursorParts, decodeOptionalCursor, encodeCursor } from "../http/cursor";
import { msg } from "../../web/i18n";

// ── field definitions ─────────────────────────────────────────────────────

const fieldsCache = new ReadCache<ProfileField[]>();

/** The community's fields in their order (cached briefly: every profile read needs them). */
export function listFields(t: TenantDb): Promise<ProfileField[]> {
  return fieldsCache.getOrLoad(t.tenantId, () =>
    t.db.select().from(profileFields).where(eq(profileFields.tenantId, t.tenantId)).orderBy(asc(profileFields.position), asc(profileFields.createdAt)),
  );
}

function forgetFields(tenantId: string): void {
  fieldsCache.delete(tenantId);
}

function requireManager(actor: ProfileActor): void {
  if (!canManageFields(actor)) throw forbidden("forbidden", "Only community owners and admins manage profile fields.");
}

/** Live groups by id and by slug (the fields store ids, the API speaks slugs). */
async function groupIndex(t: TenantDb) {
  const live = await groupDirectory(t);
  return { byId: new Map(live.map((g) => [g.id, g])), bySlug: new Map(live.map((g) => [g.slug, g])), all: live };
}

async function groupIdsOf(t: TenantDb, slugs: string[]): Promise<string[]> {
  const { bySlug } = await groupIndex(t);
  const missing = slugs.filter((s) => !bySlug.has(s));
  if (missing.length) throw new ApiError(422, "validation_failed", "Some groups do not exist.", { groups: msg("admin.invitations.error_groups") });
  return [...new Set(slugs.map((s) => bySlug.get(s)!.id))];
}

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
  groups: string[];
  position: number;
};

export function fieldView(field: ProfileField, slugOf: (groupId: string) => string | undefined): FieldView {
  return {
    id: field.id,
    key: field.key,
    label: field.label,
    type: field.type,
    options: field.options,
    visibility: field.visibility,
    editable: field.editable,
    required: field.required,
    public: field.public,
    filterable: field.filterable,
    askAtSignup: field.askAtSignup,
    groups: field.groupIds.map(slugOf).filter((s): s is string => s !== undefined),
    position: field.position,
  };
}

/** Every field with its groups as slugs (admins). */
export async function fieldViews(t: TenantDb, actor: ProfileActor): Promise<FieldView[]> {
  requireManager(actor);
  const [fields, index] = await Promise.all([listFields(t), groupIndex(t)]);
  return fields.map((f) => fieldView(f, (id) => index.byId.get(id)?.slug));
}

/** A field by its key (or id); 404 when this community has none. */
export async function findField(t: TenantDb, keyOrId: string): Promise<ProfileField> {
  const field = (await listFields(t)).find((f) => f.key === keyOrId || f.id === keyOrId);
  if (!field) throw notFound("No such profile field.");
  return field;
}

export async function createField(t: TenantDb, actor: ProfileActor, input: CreateFieldInput, now = Date.now()): Promise<FieldView> {
  requireManager(actor);
  const existing = await listFields(t);
  if (existing.some((f) => f.key === input.key)) throw conflict("key_taken", "A field with this key already exists.");
  if (existing.length >= MAX_FIELDS) throw conflict("too_many_fields", `A community can have at most ${MAX_FIELDS} profile fields.`);
  const groupIds = await groupIdsOf(t, input.groups);
  const [last] = await t.db.select({ n: max(profileFields.position) }).from(profileFields).where(eq(profileFields.tenantId, t.tenantId));
  const row: ProfileField = {
    id: newId(),
    tenantId: t.tenantId,
    key: input.key,
    label: input.label,
    type: input.type,
    options: input.options ?? [],
    visibility: input.visibility,
    editable: input.editable,
    required: input.required,
    public: input.visibility === "member" && input.public,
    filterable: input.filterable,
    askAtSignup: input.askAtSignup,
    groupIds,
    position: input.position ?? (last?.n ?? -1) + 1,
    createdAt: now,
  };
  try {
    await t.db.insert(profileFields).values(row);
  } catch (err) {
    if (String(err).includes("UNIQUE constraint failed")) throw conflict("key_taken", "A field with this key already exists.");
    throw err;
  }
  forgetFields(t.tenantId);
  const index = await groupIndex(t);
  return fieldView(row, (id) => index.byId.get(id)?.slug);
}

export async function updateField(t: TenantDb, actor: ProfileActor, keyOrId: string, input: UpdateFieldInput): Promise<FieldView> {
  requireManager(actor);
  const field = await findField(t, keyOrId);
  const next: Partial<ProfileField> = {};
  if (input.label !== undefined) next.label = input.label;
  if (input.options !== undefined) {
    const choice = field.type === "select" || field.type === "multi_select";
    if (choice && input.options.length === 0) throw new ApiError(422, "validation_failed", "Some fields are invalid.", { options: msg("field.options_needed") });
    if (!choice && input.options.length > 0) throw new ApiError(422, "validation_failed", "Some fields are invalid.", { options: msg("field.options_unexpected") });
    next.options = input.options;
  }
  for (const flag of ["visibility", "editable", "required", "public", "filterable", "askAtSignup", "position"] as const) {
    if (input[flag] !== undefined) (next as Record<string, unknown>)[flag] = input[flag];
  }
  if (input.groups !== undefined) next.groupIds = await groupIdsOf(t, input.groups);
  // Only a member field can be public: an admins field never reaches the directory.
  if ((next.visibility ?? field.visibility) === "admins") next.public = false;
  if (Object.keys(next).length) {
    await t.db.update(profileFields).set(next).where(and(eq(profileFields.tenantId, t.tenantId), eq(profileFields.id, field.id)));
    forgetFields(t.tenantId);
  }
  // Values no longer among a choice field's options are dropped with it.
  if (next.options) await dropStaleOptions(t, { ...field, ...next });
  const index = await groupIndex(t);
  return fieldView({ ...field, ...next }, (id) => index.byId.get(id)?.slug);
}

async function dropStaleOptions(t: TenantDb, field: ProfileField): Promise<void> {
  const rows = await t.db.select().from(profileValues).where(and(eq(profileValues.tenantId, t.tenantId), eq(profileValues.fieldId, field.id)));
  const statements = [];
  for (const row of rows) {
    const value = readValue(row.value);
    const check = checkValue(field, value);
    const where = and(eq(profileValues.tenantId, t.tenantId), eq(profileValues.fieldId, field.id), eq(profileValues.userId, row.userId));
    if (!check.ok || check.value === null) statements.push(t.db.delete(profileValues).where(where));
    else if (JSON.stringify(check.value) !== row.value) statements.push(t.db.update(profileValues).set({ value: JSON.stringify(check.value) }).where(where));
  }
  for (let i = 0; i < statements.length; i += 50) await t.db.batch(statements.slice(i, i + 50) as [(typeof statements)[number]]);
}

/** Deletes the field and every value of it. */
export async function deleteField(t: TenantDb, actor: ProfileActor, keyOrId: string): Promise<void> {
  requireManager(actor);
  const field = await findField(t, keyOrId);
  await t.db.batch([
    t.db.delete(profileValues).where(and(eq(profileValues.tenantId, t.tenantId), eq(profileValues.fieldId, field.id))),
    t.db.delete(profileFields).where(and(eq(profileFields.tenantId, t.tenantId), eq(profileFields.id, field.id))),
  ]);
  forgetFields(t.tenantId);
}

/** The listed keys first, in that order; the others keep their order after them. */
export async function reorderFields(t: TenantDb, actor: ProfileActor, keys: string[]): Promise<FieldView[]> {
  requireManager(actor);
  const fields = await listFields(t);
  const unknown = keys.filter((k) => !fields.some((f) => f.key === k));
  if (unknown.length) throw new ApiError(422, "validation_failed", "Some fields do not exist.", { keys: msg("field.unknown") });
  const ordered = [...new Set(keys)].map((k) => fields.find((f) => f.key === k)!);
  for (const f of fields) if (!ordered.includes(f)) ordered.push(f);
  const statements = ordered.map((f, position) => t.db.update(profileFields).set({ position }).where(and(eq(profileFields.tenantId, t.tenantId), eq(profileFields.id, f.id))));
  for (let i = 0; i < statements.length; i += 50) await t.db.batch(statements.slice(i, i + 50) as [(typeof statements)[number]]);
  forgetFields(t.tenantId);
  return fieldViews(t, actor);
}

/** Moves one field a step up or down (the admin page's arrows). */
export async function moveField(t: TenantDb, actor: ProfileActor, keyOrId: string, direction: "up" | "down"): Promise<void> {
  const fields = await listFields(t);
  const field = await findField(t, keyOrId);
  const keys = fields.map((f) => f.key);
  const at = keys.indexOf(field.key);
  const to = direction === "up" ? at - 1 : at + 1;
  if (to < 0 || to >= keys.length) return;
  [keys[at], keys[to]] = [keys[to]!, keys[at]!];
  await reorderFields(t, actor, keys);
}

// ── values ────────────────────────────────────────────────────────────────

/** The groups a member belongs to, by id (live ones only). */
export async function memberGroupIds(t: TenantDb, userId: string): Promise<string[]> {
  const [roles, live] = await Promise.all([viewerRoles(t, userId), groupDirectory(t)]);
  const liveIds = new Set(live.map((g) => g.id));
  return Object.keys(roles).filter((id) => liveIds.has(id));
}

async function valuesOf(t: TenantDb, userIds: string[]): Promise<Map<string, Map<string, FieldValue>>> {
  const out = new Map<string, Map<string, FieldValue>>();
  if (userIds.length === 0) return out;
  for (let i = 0; i < userIds.length; i += 90) {
    const rows = await t.db
      .select({ userId: profileValues.userId, fieldId: profileValues.fieldId, value: profileValues.value })
      .from(profileValues)
      .where(and(eq(profileValues.tenantId, t.tenantId), inArray(profileValues.userId, userIds.slice(i, i + 90))));
    for (const r of rows) {
      const value = readValue(r.value);
      if (value === null) continue;
      if (!out.has(r.userId)) out.set(r.userId, new Map());
      out.get(r.userId)!.set(r.fieldId, value);
    }
  }
  return out;
}

export const mediaUrl = (key: string | null | undefined) => (key ? `/media/${key}` : null);

export type OwnField = { key: string; label: string; type: FieldType; value: FieldValue | null; editable: boolean; required: boolean; public: boolean; options?: string[] };
export type OwnProfile = { id: string; name: string; bio: string | null; avatarUrl: string | null; language: string | null; fields: OwnField[] };

function ownField(f: ProfileField, value: FieldValue | null, editable: boolean): OwnField {
  return { key: f.key, label: f.label, type: f.type, value, editable, required: f.required, public: f.public, ...(f.options.length ? { options: f.options } : {}) };
}

/** What the member sees of their own profile: never an admins field, a group's field only in that group. */
export async function ownProfile(t: TenantDb, user: User): Promise<OwnProfile> {
  const [fields, groupIds, values, avatars] = await Promise.all([listFields(t), memberGroupIds(t, user.id), valuesOf(t, [user.id]), avatarKeysOf(t, [user.id])]);
  const mine = values.get(user.id) ?? new Map<string, FieldValue>();
  return {
    id: user.id,
    name: user.name,
    bio: user.bio,
    avatarUrl: mediaUrl(avatars.get(user.id)),
    language: user.language,
    fields: fields.filter((f) => selfCanSee(f, groupIds)).map((f) => ownField(f, mine.get(f.id) ?? null, selfCanEdit(f, groupIds))),
  };
}

export const profilePatchSchema = z.object({
  name: z.string({ error: "name is required" }).trim().min(1, "name is required").max(100, "at most 100 characters").optional(),
  bio: z.string({ error: "bio must be text" }).max(2000, "at most 2000 characters").nullable().optional(),
  language: language.nullable().optional(),
  fields: z.record(z.string().max(100), z.unknown(), { error: "fields must be an object {key: value}" }).optional().default({}),
});
export type ProfilePatch = z.output<typeof profilePatchSchema>;

const notEditable = (key: string) =>
  new ApiError(403, "field_not_editable", `The field "${key.slice(0, 40)}" cannot be changed from your profile.`, { [`fields.${key.slice(0, 40)}`]: msg("profile.error.not_editable") });

type ValueWrite = { field: ProfileField; value: FieldValue | null };

/** Checks every value by its field's type: 422 naming each wrong one (`fields.{key}`). */
function checkValues(entries: { field: ProfileField; raw: unknown }[], source: "json" | "form"): ValueWrite[] {
  const errors: Record<string, string> = {};
  const writes: ValueWrite[] = [];
  for (const { field, raw } of entries) {
    const check = checkValue(field, raw, source);
    if (!check.ok) errors[`fields.${field.key}`] = check.error;
    else writes.push({ field, value: check.value });
  }
  if (Object.keys(errors).length) throw new ApiError(422, "validation_failed", "Some profile fields are invalid.", errors);
  return writes;
}

function writeStatements(t: TenantDb, userId: string, writes: ValueWrite[], now: number) {
  return writes.map(({ field, value }) =>
    value === null
      ? t.db.delete(profileValues).where(and(eq(profileValues.tenantId, t.tenantId), eq(profileValues.userId, userId), eq(profileValues.fieldId, field.id)))
      : t.db
          .insert(profileValues)
          .values({ tenantId: t.tenantId, userId, fieldId: field.id, value: JSON.stringify(value), updatedAt: now })
          .onConflictDoUpdate({ target: [profileValues.userId, profileValues.fieldId], set: { value: JSON.stringify(value), updatedAt: now } }),
  );
}

async function saveProfile(t: TenantDb, userId: string, patch: { name?: string | undefined; bio?: string | null | undefined; language?: string | null | undefined }, writes: ValueWrite[], now: number) {
  const userSet: Partial<User> = {};
  if (patch.name !== undefined) {
    userSet.name = patch.name;
    userSet.searchText = fold(patch.name);
  }
  if (patch.bio !== undefined) userSet.bio = patch.bio === null ? null : patch.bio.replace(/\r\n?/g, "\n").trim() || null;
  if (patch.language !== undefined) userSet.language = patch.language;
  const statements = [
    ...(Object.keys(userSet).length ? [t.db.update(users).set(userSet).where(and(eq(users.tenantId, t.tenantId), eq(users.id, userId)))] : []),
    ...writeStatements(t, userId, writes, now),
  ];
  if (statements.length) await t.db.batch(statements as [(typeof statements)[number]]);
  if (Object.keys(userSet).length) {
    // Names show in cached sessions and member lists.
    forgetSessions({ userId });
    forgetViewer(t.tenantId, userId);
  }
}

/**
 * The member edits their own profile. A key they may not edit (read-only, admins-only,
 * another group's or unknown: all look the same) answers 403 `field_not_editable`;
 * a value of the wrong type 422; clearing a required field 422.
 */
export async function updateOwnProfile(t: TenantDb, user: User, patch: ProfilePatch, source: "json" | "form" = "json", now = Date.now()): Promise<OwnProfile> {
  const [fields, groupIds] = await Promise.all([listFields(t), memberGroupIds(t, user.id)]);
  const entries: { field: ProfileField; raw: unknown }[] = [];
  for (const [key, raw] of Object.entries(patch.fields)) {
    const field = fields.find((f) => f.key === key);
    if (!field || !selfCanEdit(field, groupIds)) throw notEditable(key);
    entries.push({ field, raw });
  }
  const writes = checkValues(entries, source);
  const cleared = writes.filter((w) => w.value === null && mustFill(w.field, groupIds));
  if (cleared.length) throw new ApiError(422, "validation_failed", "Some profile fields are required.", Object.fromEntries(cleared.map((w) => [`fields.${w.field.key}`, VALUE_ERRORS.required])));
  await saveProfile(t, user.id, patch, writes, now);
  const fresh = await t.db.query.users.findFirst({ where: and(eq(users.tenantId, t.tenantId), eq(users.id, user.id)) });
  return ownProfile(t, fresh ?? user);
}

// ── admins: every field of a member ───────────────────────────────────────

/** `editable` is the admin's (always); `memberEditable` is the field's rule for the member. */
export type AdminField = OwnField & { visibility: "member" | "admins"; memberEditable: boolean; applies: boolean; groups: string[] };
export type AdminProfile = Omit<OwnProfile, "fields"> & { email: string; tenantRole: User["tenantRole"]; status: User["status"]; groups: string[]; fields: AdminField[] };

async function memberOf(t: TenantDb, userId: string): Promise<User> {
  const user = await t.db.query.users.findFirst({ where: and(eq(users.tenantId, t.tenantId), eq(users.id, userId)) });
  if (!user || user.status === "staged") throw notFound("No such member.");
  return user;
}

export async function memberProfile(t: TenantDb, actor: ProfileActor, userId: string): Promise<AdminProfile> {
  requireManager(actor);
  const user = await memberOf(t, userId);
  const [fields, groupIds, values, avatars, index] = await Promise.all([listFields(t), memberGroupIds(t, user.id), valuesOf(t, [user.id]), avatarKeysOf(t, [user.id]), groupIndex(t)]);
  const mine = values.get(user.id) ?? new Map<string, FieldValue>();
  const slug = (id: string) => index.byId.get(id)?.slug;
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    tenantRole: user.tenantRole,
    status: user.status,
    bio: user.bio,
    avatarUrl: mediaUrl(avatars.get(user.id)),
    language: user.language,
    groups: groupIds.map(slug).filter((s): s is string => s !== undefined),
    fields: fields.map((f) => ({
      ...ownField(f, mine.get(f.id) ?? null, true),
      visibility: f.visibility,
      memberEditable: f.editable,
      applies: applies(f, groupIds),
      groups: f.groupIds.map(slug).filter((s): s is string => s !== undefined),
    })),
  };
}

/** Admins may set any field of any member, checked by type; an unknown key is a 422. */
export async function updateMemberProfile(t: TenantDb, actor: ProfileActor, userId: string, patch: ProfilePatch, source: "json" | "form" = "json", now = Date.now()): Promise<AdminProfile> {
  requireManager(actor);
  const user = await memberOf(t, userId);
  const fields = await listFields(t);
  const unknown = Object.keys(patch.fields).filter((k) => !fields.some((f) => f.key === k));
  if (unknown.length) throw new ApiError(422, "validation_failed", "Some fields do not exist.", Object.fromEntries(unknown.map((k) => [`fields.${k.slice(0, 40)}`, msg("field.unknown")])));
  const writes = checkValues(Object.entries(patch.fields).map(([key, raw]) => ({ field: fields.find((f) => f.key === key)!, raw })), source);
  await saveProfile(t, user.id, patch, writes, now);
  return memberProfile(t, actor, user.id);
}

// ── avatar ────────────────────────────────────────────────────────────────

export async function setAvatarKey(t: TenantDb, userId: string, key: string | null, now = Date.now()): Promise<void> {
  await t.db
    .insert(memberProfiles)
    .values({ userId, tenantId: t.tenantId, avatarKey: key, updatedAt: now })
    .onConflictDoUpdate({ target: memberProfiles.userId, set: { avatarKey: key, updatedAt: now }, where: eq(memberProfiles.tenantId, t.tenantId) });
  // The header reads the picture with the cached session row.
  forgetSessions({ userId });
}

// ── sign-up and joining a group ───────────────────────────────────────────

/** The fields the sign-up form asks (community-wide, member-editable, required or flagged). */
export async function signupFields(t: TenantDb): Promise<ProfileField[]> {
  return (await listFields(t)).filter(askedAtSignup);
}

/**
 * Checks the profile values sent with a sign-up: only fields asked at sign-up are accepted
 * (any other key: 403 `field_not_editable`), each by type, and every required one must be
 * there (422 `profile_incomplete`). Returns the rows to insert with the new user.
 */
export async function signupValues(t: TenantDb, raw: Record<string, unknown>, source: "json" | "form"): Promise<(userId: string, now: number) => ReturnType<typeof writeStatements>> {
  const asked = await signupFields(t);
  const entries: { field: ProfileField; raw: unknown }[] = [];
  for (const [key, value] of Object.entries(raw)) {
    const field = asked.find((f) => f.key === key);
    if (!field) throw notEditable(key);
    entries.push({ field, raw: value });
  }
  const writes = checkValues(entries, source);
  const have = new Set(writes.filter((w) => w.value !== null).map((w) => w.field.key));
  const missing = asked.filter((f) => f.required && !have.has(f.key));
  if (missing.length) throw profileIncomplete(missing);
  return (userId, now) => writeStatements(t, userId, writes.filter((w) => w.value !== null), now);
}

function profileIncomplete(missing: ProfileField[]): ApiError {
  const err = new ApiError(422, "profile_incomplete", `Fill in your profile first: ${missing.map((f) => f.label).join(", ")}.`, Object.fromEntries(missing.map((f) => [`fields.${f.key}`, VALUE_ERRORS.required])));
  return err;
}

/** The required fields a member lacks to be in this group (its own and the community's). */
export async function missingForGroup(t: TenantDb, userId: string | null, groupId: string): Promise<ProfileField[]> {
  const fields = await listFields(t);
  const groupsAfter = [...(userId ? await memberGroupIds(t, userId) : []), groupId];
  const needed = fields.filter((f) => mustFill(f, groupsAfter));
  if (needed.length === 0 || !userId) return needed;
  const have = (await valuesOf(t, [userId])).get(userId) ?? new Map<string, FieldValue>();
  return needed.filter((f) => !have.has(f.id));
}

/**
 * Before joining a group: takes the profile values sent with the join (JSON `fields`, or
 * form answers named `profile.{key}`, read as form strings), checks them, and answers 422
 * `profile_incomplete` naming every required field still empty (`fields.{key}`). Saves the
 * values only when all is well.
 */
export async function completeProfileForJoin(t: TenantDb, groupId: string, user: User, sent: { json: Record<string, unknown>; form: Record<string, unknown> }, now = Date.now()): Promise<void> {
  const fields = await listFields(t);
  if (fields.length === 0 && Object.keys(sent.json).length === 0 && Object.keys(sent.form).length === 0) return;
  const groupsAfter = [...(await memberGroupIds(t, user.id)), groupId];
  const writes: ValueWrite[] = [];
  for (const source of ["form", "json"] as const) {
    const entries: { field: ProfileField; raw: unknown }[] = [];
    for (const [key, raw] of Object.entries(sent[source])) {
      const field = fields.find((f) => f.key === key);
      if (!field || !selfCanEdit(field, groupsAfter)) throw notEditable(key);
      entries.push({ field, raw });
    }
    writes.push(...checkValues(entries, source));
  }
  const needed = fields.filter((f) => mustFill(f, groupsAfter));
  if (needed.length === 0 && writes.length === 0) return;
  const have = (await valuesOf(t, [user.id])).get(user.id) ?? new Map<string, FieldValue>();
  for (const w of writes) {
    if (w.value === null) have.delete(w.field.id);
    else have.set(w.field.id, w.value);
  }
  const missing = needed.filter((f) => !have.has(f.id));
  if (missing.length) throw profileIncomplete(missing);
  const statements = writeStatements(t, user.id, writes, now);
  if (statements.length) await t.db.batch(statements as [(typeof statements)[number]]);
}

/** Profile values posted as join answers: `answer.profile.{key}` arrives as `profile.{key}`. */
export function profileAnswers(answers: Record<string, unknown>): Record<string, unknown> {
  return formInputs(answers, "profile.");
}

// ── the directory ─────────────────────────────────────────────────────────

export type DirectoryEntry = { userId: string; name: string; bio: string | null; avatarUrl: string | null; fields: { key: string; label: string; type: FieldType; value: FieldValue }[] };
export type DirectoryQuery = { q: string; group: string | null; filters: Record<string, string>; limit: number; cursor: string | null };

const directoryCursor = cursorKind("directory", z.strictObject({ name: cursorParts.text, id: cursorParts.id }));

/** The SQL condition "this user's value of the field matches the filter". */
function filterCondition(t: TenantDb, field: ProfileField, raw: string): SQL {
  const v = profileValues;
  let match: SQL;
  switch (field.type) {
    case "text":
    case "long_text":
    case "url":
    case "phone":
      // instr, not LIKE: no pattern characters, and D1 refuses LIKE patterns over 50 bytes.
      match = sql`instr(lower(json_extract(${v.value}, '$')), ${raw.trim().toLowerCase()}) > 0`;
      break;
    case "multi_select":
      match = sql`exists (select 1 from json_each(${v.value}) where json_each.value = ${raw})`;
      break;
    default: {
      const check = checkValue(field, raw, "form");
      match = sql`${v.value} = ${JSON.stringify(check.ok ? check.value : null)}`;
    }
  }
  const inGroups = field.groupIds.length
    ? sql` and exists (select 1 from ${memberships} m where m.tenant_id = ${t.tenantId} and m.user_id = ${users.id} and m.group_id in (${sql.join(field.groupIds.map((g) => sql`${g}`), sql`, `)}))`
    : sql``;
  return sql`(exists (select 1 from ${v} where ${v.tenantId} = ${t.tenantId} and ${v.userId} = ${users.id} and ${v.fieldId} = ${field.id} and ${match})${inGroups})`;
}

/** The filters a viewer may use: filterable public fields they can see. */
export async function directoryFilters(t: TenantDb, viewer: User, isAdmin: boolean): Promise<ProfileField[]> {
  const [fields, viewerGroups] = await Promise.all([listFields(t), isAdmin ? groupDirectory(t).then((gs) => gs.map((g) => g.id)) : memberGroupIds(t, viewer.id)]);
  return fields.filter((f) => memberCanFilter(f, viewerGroups));
}

/**
 * Members of the community (or of one group) with their public fields, searched by name and
 * filtered by filterable fields, paged by name. Admins-only fields never take part.
 */
/** What the directory's reader may filter by: the filterable fields they see, and the groups (every one for an admin, else their own). */
export async function directoryChoices(t: TenantDb, viewer: User, isAdmin: boolean) {
  const filters = await directoryFilters(t, viewer, isAdmin);
  const own = isAdmin ? null : new Set(await memberGroupIds(t, viewer.id));
  const groups = (await groupDirectory(t)).filter((g) => !own || own.has(g.id)).map((g) => ({ slug: g.slug, name: g.name }));
  return { groups, filters: filters.map((f) => ({ key: f.key, label: f.label, type: f.type, options: f.options })) };
}

export async function directory(t: TenantDb, viewer: User, isAdmin: boolean, query: DirectoryQuery): Promise<{ items: DirectoryEntry[]; nextCursor: string | null }> {
  const [fields, index] = await Promise.all([listFields(t), groupIndex(t)]);
  const viewerGroups = isAdmin ? index.all.map((g) => g.id) : await memberGroupIds(t, viewer.id);
  let groupId: string | null = null;
  if (query.group) {
    const group = index.bySlug.get(query.group.toLowerCase());
    if (!group) throw notFound("No such group.");
    if (!viewerGroups.includes(group.id)) throw forbidden("not_a_member", "Only the group's members see who is in it.");
    groupId = group.id;
  }
  const conditions: SQL[] = [];
  const errors: Record<string, string> = {};
  for (const [key, raw] of Object.entries(query.filters)) {
    if (raw.trim() === "") continue;
    const field = fields.find((f) => f.key === key);
    if (!field || !memberCanFilter(field, viewerGroups)) {
      errors[`field.${key.slice(0, 40)}`] = msg("profile.error.not_filterable");
      continue;
    }
    const textual = ["text", "long_text", "url", "phone", "multi_select"].includes(field.type);
    const check = textual ? { ok: true } : checkValue(field, raw, "form");
    if (!check.ok) errors[`field.${key}`] = (check as { error: string }).error;
    else conditions.push(filterCondition(t, field, raw));
  }
  if (Object.keys(errors).length) throw new ApiError(422, "validation_failed", "Some filters are invalid.", errors);
  const after = decodeOptionalCursor(directoryCursor, query.cursor);
  const q = fold(query.q);
  const rows = await t.db
    .select({ id: users.id, name: users.name, bio: users.bio })
    .from(users)
    .where(
      and(
        eq(users.tenantId, t.tenantId),
        eq(users.status, "active"),
        q ? contains(foldedOr(users.searchText, users.name), q) : undefined,
        groupId ? sql`exists (select 1 from ${memberships} m where m.tenant_id = ${t.tenantId} and m.group_id = ${groupId} and m.user_id = ${users.id})` : undefined,
        after ? sql`(${users.name} > ${after.name} or (${users.name} = ${after.name} and ${users.id} > ${after.id}))` : undefined,
        ...conditions,
      ),
    )
    .orderBy(asc(users.name), asc(users.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const ids = page.map((u) => u.id);
  const shown = fields.filter((f) => f.visibility === "member" && f.public);
  const [values, avatars, subjectGroups] = await Promise.all([
    shown.length ? valuesOf(t, ids) : Promise.resolve(new Map<string, Map<string, FieldValue>>()),
    avatarKeysOf(t, ids),
    shown.some((f) => f.groupIds.length) ? groupsOfUsers(t, ids) : Promise.resolve(new Map<string, string[]>()),
  ]);
  const last = page[page.length - 1];
  return {
    items: page.map((u) => {
      const theirs = values.get(u.id) ?? new Map<string, FieldValue>();
      const theirGroups = subjectGroups.get(u.id) ?? [];
      return {
        userId: u.id,
        name: u.name,
        bio: u.bio,
        avatarUrl: mediaUrl(avatars.get(u.id)),
        fields: shown
          .filter((f) => theirs.has(f.id) && memberCanSee(f, theirGroups, viewerGroups))
          .map((f) => ({ key: f.key, label: f.label, type: f.type, value: theirs.get(f.id)! })),
      };
    }),
    nextCursor: rows.length > query.limit && last ? encodeCursor(directoryCursor, { name: last.name, id: last.id }) : null,
  };
}

async function groupsOfUsers(t: TenantDb, userIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (let i = 0; i < userIds.length; i += 90) {
    const rows = await t.db
      .select({ userId: memberships.userId, groupId: memberships.groupId })
      .from(memberships)
      .innerJoin(groups, eq(groups.id, memberships.groupId))
      .where(and(eq(memberships.tenantId, t.tenantId), inArray(memberships.userId, userIds.slice(i, i + 90)), isNull(groups.deletedAt)));
    for (const r of rows) out.set(r.userId, [...(out.get(r.userId) ?? []), r.groupId]);
  }
  return out;
}

// ── export ────────────────────────────────────────────────────────────────

/** Extra CSV columns for the member export: the bio, then one per field, admins-only ones included. */
export async function exportColumns(t: TenantDb): Promise<{ header: string[]; cells: (user: Pick<User, "id" | "bio">) => string[] }> {
  const fields = await listFields(t);
  const values = new Map<string, Map<string, FieldValue>>();
  if (fields.length) {
    const rows = await t.db.select({ userId: profileValues.userId, fieldId: profileValues.fieldId, value: profileValues.value }).from(profileValues).where(eq(profileValues.tenantId, t.tenantId));
    for (const r of rows) {
      if (!values.has(r.userId)) values.set(r.userId, new Map());
      const v = readValue(r.value);
      if (v !== null) values.get(r.userId)!.set(r.fieldId, v);
    }
  }
  return {
    header: ["bio", ...fields.map((f) => `profile.${f.key}`)],
    cells: (user) => [user.bio ?? "", ...fields.map((f) => valueText(values.get(user.id)?.get(f.id) ?? null))],
  };
}
