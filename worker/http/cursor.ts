import { z } from "zod";
import { base64url, fromBase64url } from "../db/ids";
import { ApiError } from "./errors";

/**
 * The one pagination cursor codec of the product.
 *
 * A cursor is `c1.` followed by the base64url of a JSON document `{k, v}`: `k` names the list
 * that made it (so a cursor of one list is refused by another) and `v` is that list's
 * position, validated on the way back by the zod schema the list gives. Anything the product
 * did not make (another prefix, bad base64, bad UTF-8, bad JSON, another list's cursor, a
 * position of the wrong shape, more than {@link MAX_CURSOR_CHARS} characters) answers 400
 * `invalid_cursor`; decoding never throws anything else.
 *
 * Cursors are not signed: the position they carry only says where a list resumes, every
 * query re-applies the viewer's permissions, so a hand-made cursor of the right shape shows
 * nothing the viewer could not page to. The version prefix lets a later format (a signed
 * one, say) refuse these cleanly.
 */
const PREFIX = "c1.";
export const MAX_CURSOR_CHARS = 1024;

export type CursorKind<S extends z.ZodType> = { kind: string; schema: S };

/** Declares a list's cursor: a short stable name and the schema of its position. */
export function cursorKind<S extends z.ZodType>(kind: string, schema: S): CursorKind<S> {
  return { kind, schema };
}

export function invalidCursor(): ApiError {
  return new ApiError(400, "invalid_cursor", "The cursor is not valid.");
}

const utf8 = new TextEncoder();
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

export function encodeCursor<S extends z.ZodType>(list: CursorKind<S>, value: z.input<S>): string {
  return PREFIX + base64url(utf8.encode(JSON.stringify({ k: list.kind, v: value })));
}

/** The position a cursor carries; 400 `invalid_cursor` for anything this list did not make. */
export function decodeCursor<S extends z.ZodType>(list: CursorKind<S>, cursor: string): z.output<S> {
  if (cursor.length > MAX_CURSOR_CHARS || !cursor.startsWith(PREFIX)) throw invalidCursor();
  const body = cursor.slice(PREFIX.length);
  if (!/^[A-Za-z0-9_-]+$/.test(body)) throw invalidCursor();
  let doc: unknown;
  try {
    doc = JSON.parse(strictUtf8.decode(fromBase64url(body)));
  } catch {
    throw invalidCursor();
  }
  if (!doc || typeof doc !== "object" || (doc as { k?: unknown }).k !== list.kind) throw invalidCursor();
  const parsed = list.schema.safeParse((doc as { v?: unknown }).v);
  if (!parsed.success) throw invalidCursor();
  return parsed.data;
}

/** {@link decodeCursor} for an optional cursor: null (the first page) when absent or empty. */
export function decodeOptionalCursor<S extends z.ZodType>(list: CursorKind<S>, cursor: string | null | undefined): z.output<S> | null {
  return cursor ? decodeCursor(list, cursor) : null;
}

/** Building blocks for positions: bounded, so a cursor never carries a huge value into SQL. */
export const cursorParts = {
  id: z.string().min(1).max(64),
  text: z.string().max(1000),
  /** A millisecond timestamp or any other integer key. */
  int: z.number().int().min(-8.64e15).max(8.64e15),
};
