import { env } from "cloudflare:test";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { msg, t } from "../../web/i18n";
import type { User } from "../db/schema";
import type { AppEnv } from "../env";
import { ApiError, conflict, invalidRows, toApiError } from "./errors";
import { formAction, readForm, requirePageUser, signedIn, withDone } from "./forms";
import { formGuard, parseWith } from "./validate";

const schema = z.object({ name: z.string().min(1, "field.required"), email: z.email({ error: "field.invalid_email" }) });

/** A tiny app with the kit and nothing else: what a page handler would be. */
function app(user: Partial<User> | null = null) {
  const a = new Hono<AppEnv>();
  a.use(async (c, next) => {
    c.set("language", "fr");
    c.set("user", user as User | null);
    await next();
  });
  a.use(formGuard());
  a.onError((err, c) => {
    const e = toApiError(err);
    return c.text(`onError ${e.status} ${e.code}`, e.status);
  });
  a.post("/read", async (c) => {
    const form = await readForm(c);
    const again = await readForm(c);
    const file = form.file("photo");
    return c.json({
      same: form === again,
      values: form.values,
      name: form.str("name"),
      missing: form.str("missing"),
      tags: form.list("tags"),
      ids: form.list("ids"),
      on: form.bool("on"),
      off: form.bool("off"),
      file: file ? { name: file.name, size: file.size, text: await file.text() } : null,
      noFile: form.file("name"),
      all: { name: form.all.name, tags: form.all.tags, ids: form.all["ids[]"], on: form.all.on },
      has: [form.has("on"), form.has("missing")],
    });
  });
  a.post("/save", async (c) => {
    const form = await readForm(c);
    return formAction(c, {
      form,
      run: () => {
        if (form.str("boom")) throw new Error("bug");
        if (form.str("down")) throw new ApiError(503, "unavailable", "Down.");
        if (form.str("taken")) throw conflict("slug_taken", "Taken.");
        if (form.str("rows")) throw invalidRows([{ row: 3, email: "broken", errors: [msg("import.row.invalid_email")] }]);
        return parseWith(schema, form.values);
      },
      render: (f) => c.json({ values: f.values, errors: f.errors, formError: f.formError ?? null, code: f.err.code, ...(f.rows ? { rows: f.rows } : {}) }, f.status),
      done: (saved) => withDone(`/people/${encodeURIComponent(saved.name)}#top`, "saved"),
    });
  });
  a.get("/me/page", (c) => {
    const user = requirePageUser(c);
    if (user instanceof Response) return user;
    return c.text(`hello ${user.name}`);
  });
  a.post("/g/demo/join", (c) => signedIn(c, "/g/demo") ?? c.text("joined"));
  return a;
}

const post = (path: string, body: BodyInit, headers: Record<string, string> = {}, user: Partial<User> | null = null) =>
  app(user).request(`https://demo.communities.test${path}`, { method: "POST", body, headers }, env);

describe("readForm", () => {
  it("keeps repeated names and name[] as lists, last value for str, and reads the form once", async () => {
    const body = new URLSearchParams([
      ["name", "first"],
      ["name", "Ada"],
      ["tags", "a"],
      ["tags", ""],
      ["tags", "b"],
      ["ids[]", "1"],
      ["ids[]", "2"],
      ["on", "on"],
    ]);
    const res = await post("/read", body, { "content-type": "application/x-www-form-urlencoded" });
    expect(res.status).toBe(200);
    const out = (await res.json()) as Record<string, unknown>;
    expect(out).toMatchObject({ same: true, name: "Ada", missing: "", tags: ["a", "b"], ids: ["1", "2"], on: true, off: false, file: null, noFile: null });
    expect(out.values).toEqual({ name: "Ada", tags: "b", on: "on" });
    expect(out.all).toEqual({ name: ["first", "Ada"], tags: ["a", "", "b"], ids: ["1", "2"], on: "on" });
    expect(out.has).toEqual([true, false]);
  });

  it("keeps files of a multipart form", async () => {
    const fd = new FormData();
    fd.set("name", "Ada");
    fd.set("photo", new File(["png bytes"], "me.png", { type: "image/png" }));
    const res = await post("/read", fd);
    const out = (await res.json()) as Record<string, unknown>;
    expect(out.name).toBe("Ada");
    expect(out.file).toEqual({ name: "me.png", size: 9, text: "png bytes" });
    expect(out.values).toEqual({ name: "Ada" });
  });

  it("answers 415 for a body that is not a form", async () => {
    const res = await post("/read", JSON.stringify({ name: "Ada" }), { "content-type": "application/json" });
    expect(res.status).toBe(415);
    expect(await res.text()).toBe("onError 415 unsupported_media_type");
  });

  it("answers 400 malformed_form for a broken multipart body", async () => {
    const res = await post("/read", "--nope\r\nbroken", { "content-type": "multipart/form-data; boundary=xyz" });
    expect(res.status).toBe(400);
    expect(await res.text()).toBe("onError 400 malformed_form");
  });
});

describe("formAction", () => {
  const form = (fields: Record<string, string>) => [new URLSearchParams(fields), { "content-type": "application/x-www-form-urlencoded" }] as const;

  it("redirects 303 with the notice when the action works", async () => {
    const res = await post("/save", ...form({ name: "Ada", email: "ada@example.test" }));
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/people/Ada?done=saved#top");
  });

  it("renders the page again on a 422 with localised field errors, the values and the status", async () => {
    const res = await post("/save", ...form({ name: "", email: "nope" }));
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({
      values: { name: "", email: "nope" },
      errors: { name: t("fr", "field.required"), email: t("fr", "field.invalid_email") },
      formError: null,
      code: "validation_failed",
    });
  });

  it("renders a refusal without fields as the form's own error, in the reader's language", async () => {
    const res = await post("/save", ...form({ name: "Ada", email: "ada@example.test", taken: "1" }));
    expect(res.status).toBe(409);
    const out = (await res.json()) as { errors: object; formError: string; code: string };
    expect(out.errors).toEqual({});
    expect(out.code).toBe("slug_taken");
    expect(out.formError).toBe(t("fr", "error.slug_taken"));
  });

  it("hands a refused file's rows to the page, each problem in the reader's language", async () => {
    const res = await post("/save", ...form({ rows: "1" }));
    expect(res.status).toBe(422);
    const out = (await res.json()) as { code: string; rows: unknown };
    expect(out.code).toBe("invalid_rows");
    expect(out.rows).toEqual([{ row: 3, email: "broken", errors: [t("fr", "import.row.invalid_email")] }]);
  });

  it("lets a 5xx and a bug through to onError", async () => {
    const down = await post("/save", ...form({ down: "1" }));
    expect(down.status).toBe(503);
    expect(await down.text()).toBe("onError 503 unavailable");
    const bug = await post("/save", ...form({ boom: "1" }));
    expect(bug.status).toBe(500);
    expect(await bug.text()).toBe("onError 500 internal_error");
  });
});

describe("signed-out visitors", () => {
  it("are sent to log in with this page as next (303)", async () => {
    const res = await app().request("https://demo.communities.test/me/page", {}, env);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/login?next=%2Fme%2Fpage");
  });

  it("come back to the page a form was on when the handler names it", async () => {
    const res = await post("/g/demo/join", "", { "content-type": "application/x-www-form-urlencoded" });
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/login?next=%2Fg%2Fdemo");
  });

  it("never carry another site in next", async () => {
    const a = new Hono<AppEnv>();
    a.get("*", (c) => signedIn(c, "https://evil.test/x") ?? c.text("in"));
    const out = await a.request("https://demo.communities.test/anything", {}, env);
    expect(out.headers.get("location")).toBe("/login?next=%2F");
  });

  it("let a signed-in reader through", async () => {
    const res = await app({ id: "u1", name: "Ada" }).request("https://demo.communities.test/me/page", {}, env);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("hello Ada");
  });
});
