import { describe, expect, it } from "vitest";
import { z } from "zod";
import { base64url } from "../db/ids";
import { call, joinGroup, makeGroup, makeTenant, signUpMember } from "../test/helpers";
import { cursorKind, decodeCursor, encodeCursor } from "./cursor";
import { ApiError } from "./errors";

const utf8 = new TextEncoder();
const ours = (doc: unknown) => "c1." + base64url(utf8.encode(JSON.stringify(doc)));

/** Cursors the product did not make: each must answer 400 invalid_cursor on every list. */
function forged(kind: string): string[] {
  return [
    btoa(JSON.stringify({ name: "a", id: "b" })), // the old, unversioned format
    btoa(JSON.stringify({ rank: 0, name: "a", id: "b" })),
    base64url(crypto.getRandomValues(new Uint8Array(48))),
    "%",
    "c1.",
    "c1.!!!",
    "c1." + base64url(new Uint8Array([0xff, 0xfe, 0x80])), // not UTF-8
    "c1." + base64url(utf8.encode("not json")),
    ours({ k: "elsewhere", v: { name: "a", id: "b" } }), // another list's cursor
    ours({ k: kind, v: null }),
    ours({ k: kind, v: { name: 5, id: {}, at: "x", createdAt: "x", rank: "x" } }),
    ours({ k: kind, v: [1] }),
    ours({ k: kind, v: "x".repeat(600) }),
    ours([kind]),
    "c1." + "A".repeat(5000),
  ];
}

describe("the cursor codec", () => {
  const list = cursorKind("things", z.strictObject({ name: z.string().max(20), id: z.string() }));

  it("round-trips a position", () => {
    const cursor = encodeCursor(list, { name: "Élodie 😀", id: "x1" });
    expect(cursor).toMatch(/^c1\.[A-Za-z0-9_-]+$/);
    expect(decodeCursor(list, cursor)).toEqual({ name: "Élodie 😀", id: "x1" });
  });

  it("refuses anything it did not make with 400 invalid_cursor, never another error", () => {
    const cases = [...forged("things"), ours({ k: "things", v: { name: "a", id: "b", extra: 1 } }), ours({ k: "things", v: { name: "x".repeat(21), id: "b" } })];
    for (const cursor of cases) {
      let thrown: unknown;
      try {
        decodeCursor(list, cursor);
      } catch (e) {
        thrown = e;
      }
      expect(thrown, cursor).toBeInstanceOf(ApiError);
      expect((thrown as ApiError).status, cursor).toBe(400);
      expect((thrown as ApiError).code, cursor).toBe("invalid_cursor");
    }
  });
});

describe("every list answers 400 invalid_cursor for a cursor it did not make, and pages as before", () => {
  it("groups, group members, join requests, invitations, directory, threads, replies, reports, chat history and their pages", async () => {
    const tenant = await makeTenant();
    const owner = tenant.owner.cookie;
    for (const name of ["Alpha", "Bravo", "Charlie"]) {
      await makeGroup(tenant, { name, slug: name.toLowerCase(), joinPolicy: "open" }, owner);
    }
    const members = [];
    for (const n of ["Ann", "Bob", "Cat"]) {
      const m = await signUpMember(tenant, `${n.toLowerCase()}@example.org`, n);
      members.push(m);
      await joinGroup(tenant, "alpha", m.cookie);
    }
    for (const title of ["One", "Two", "Three"]) {
      expect((await call(tenant.host, "POST", "/api/v1/groups/alpha/threads", { cookie: owner, json: { title, body: `About ${title}` } })).status).toBe(201);
    }
    const threads = (await (await call(tenant.host, "GET", "/api/v1/groups/alpha/threads", { cookie: owner })).json()) as { items: { id: string }[] };
    const threadId = threads.items[0]!.id;
    for (const [i, body] of ["r1", "r2", "r3"].entries()) {
      // Members reply (each member may post 5 in a burst).
      expect((await call(tenant.host, "POST", `/api/v1/groups/alpha/threads/${threadId}/replies`, { cookie: members[i]!.cookie, json: { body } })).status).toBe(201);
    }
    expect((await call(tenant.host, "POST", "/api/v1/invitations", { cookie: owner, json: { emails: ["i1@example.org", "i2@example.org", "i3@example.org"] } })).status).toBeLessThan(300);

    const lists: { path: string; kind: string; key: (item: Record<string, unknown>) => unknown; pageable: boolean }[] = [
      { path: "/api/v1/groups", kind: "groups", key: (i) => (i as { slug: string }).slug, pageable: true },
      { path: "/api/v1/groups/alpha/members", kind: "group_members", key: (i) => i.userId ?? i.id, pageable: true },
      { path: "/api/v1/groups/alpha/requests", kind: "join_requests", key: (i) => i.id, pageable: false },
      { path: "/api/v1/invitations", kind: "invitations", key: (i) => i.email, pageable: true },
      { path: "/api/v1/directory", kind: "directory", key: (i) => i.userId, pageable: true },
      { path: "/api/v1/groups/alpha/threads", kind: "threads", key: (i) => i.id, pageable: true },
      { path: `/api/v1/groups/alpha/threads/${threadId}`, kind: "replies", key: (i) => i.id, pageable: true },
      { path: "/api/v1/groups/alpha/reports?status=all", kind: "reports", key: (i) => i.id, pageable: false },
    ];
    for (const list of lists) {
      const sep = list.path.includes("?") ? "&" : "?";
      for (const cursor of forged(list.kind)) {
        const res = await call(tenant.host, "GET", `${list.path}${sep}cursor=${encodeURIComponent(cursor)}`, { cookie: owner });
        expect(res.status, `${list.path} ${cursor}`).toBe(400);
        expect(((await res.json()) as { error: { code: string } }).error.code, list.path).toBe("invalid_cursor");
      }
      // A cursor made by another list is refused too.
      const other = list.kind === "groups" ? ours({ k: "directory", v: { name: "a", id: "b" } }) : ours({ k: "groups", v: { name: "a", id: "b" } });
      expect((await call(tenant.host, "GET", `${list.path}${sep}cursor=${encodeURIComponent(other)}`, { cookie: owner })).status, list.path).toBe(400);
      if (!list.pageable) continue;
      // Valid cursors page through the whole list, one item at a time, as before.
      const all = ((await (await call(tenant.host, "GET", list.path, { cookie: owner })).json()) as { items?: Record<string, unknown>[]; replies?: Record<string, unknown>[] });
      const everything = (all.items ?? all.replies)!.map(list.key);
      expect(everything.length, list.path).toBeGreaterThanOrEqual(3);
      const seen: unknown[] = [];
      let cursor: string | null = null;
      do {
        const res: Response = await call(tenant.host, "GET", `${list.path}${sep}limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, { cookie: owner });
        expect(res.status, list.path).toBe(200);
        const page = (await res.json()) as { items?: Record<string, unknown>[]; replies?: Record<string, unknown>[]; nextCursor: string | null };
        seen.push(...(page.items ?? page.replies)!.map(list.key));
        cursor = page.nextCursor;
        if (cursor) expect(cursor).toMatch(/^c1\./);
      } while (cursor && seen.length < 50);
      expect(seen, list.path).toEqual(everything);
    }
    // The chat history's cursor is a message id (the contract's `?before=`): anything else is not ours.
    for (const cursor of ["abc", "%", "-1", "1e3", base64url(crypto.getRandomValues(new Uint8Array(12)))]) {
      const res = await call(tenant.host, "GET", `/api/v1/groups/alpha/messages?cursor=${encodeURIComponent(cursor)}`, { cookie: owner });
      expect(res.status, cursor).toBe(400);
    }
    // Pages that page take the same cursors: a forged one is a 400 page, never a 5xx.
    for (const path of ["/g/alpha", `/g/alpha/t/${threadId}`, "/g/alpha/moderation", "/admin/members", "/admin/invitations", "/members"]) {
      for (const cursor of forged("x").slice(0, 6)) {
        const res = await call(tenant.host, "GET", `${path}?cursor=${encodeURIComponent(cursor)}`, { cookie: owner });
        expect(res.status, `${path} ${cursor}`).toBeGreaterThanOrEqual(400);
        expect(res.status, `${path} ${cursor}`).toBeLessThan(500);
      }
    }
    // ?limit= junk is a 4xx on every list.
    for (const limit of ["-1", "0", "abc", "1.5", "Infinity", "%", "1e400"]) {
      for (const list of lists) {
        const sep = list.path.includes("?") ? "&" : "?";
        const res = await call(tenant.host, "GET", `${list.path}${sep}limit=${encodeURIComponent(limit)}`, { cookie: owner });
        expect(res.status, `${list.path} limit=${limit}`).toBe(422);
      }
    }
  });

  it("pages say so in the reader's language: a stale page link, and a form that cannot be read", async () => {
    const tenant = await makeTenant();
    const res = await call(tenant.host, "GET", `/admin/members?cursor=${encodeURIComponent(ours({ k: "groups", v: {} }))}`, { cookie: tenant.owner.cookie });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("Ce lien de page n’est plus valable");
    const en = await call(tenant.host, "GET", "/admin/members?cursor=%25", { cookie: tenant.owner.cookie, headers: { "accept-language": "en" } });
    expect(en.status).toBe(400);
    const broken = await call(tenant.host, "POST", "/me", { cookie: tenant.owner.cookie, headers: { "content-type": "multipart/form-data; boundary=zzz" }, body: "--zzz\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nx\r\n--zz" });
    expect(broken.status).toBe(400);
    expect(await broken.text()).toContain("Le formulaire n’a pas pu être lu");
    const api = await call(tenant.host, "POST", "/api/v1/invitations/import", { cookie: tenant.owner.cookie, headers: { "content-type": "multipart/form-data; boundary=zzz" }, body: "--zzz\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nx\r\n--zz" });
    expect(api.status).toBe(400);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe("malformed_form");
  });
});
