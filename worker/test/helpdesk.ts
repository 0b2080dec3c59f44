import { env } from "cloudflare:workers";
import { and, eq, inArray, sql } from "drizzle-orm";
import { expect } from "vitest";
import { directoryDb } from "../db/client";
import { outbox } from "../db/schema";
import { deliverOutbox } from "../mail/outbox";
import { call, type TestTenant } from "./helpers";

// Small helpers for the help desk's tests (worker/helpdesk/*.test.ts).

export async function ok<T>(res: Response, status = 200): Promise<T> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  return (text ? JSON.parse(text) : null) as T;
}

export async function refused(res: Response): Promise<{ status: number; code: string; fields?: Record<string, string> }> {
  const text = await res.text();
  let body: { error?: { code: string; fields?: Record<string, string> } } = {};
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`not JSON (${res.status}): ${text.slice(0, 200)}`);
  }
  if (!body.error) throw new Error(`not an error (${res.status}): ${text.slice(0, 200)}`);
  return { status: res.status, code: body.error.code, ...(body.error.fields ? { fields: body.error.fields } : {}) };
}

export const setFeatures = async (tenant: TestTenant, features: Record<string, boolean>) =>
  ok(await call(tenant.host, "PATCH", "/api/v1/tenant", { cookie: tenant.owner.cookie, json: { features } }));

export type Issue = { id: string; title: string; private: boolean; status: string; comments: { id: string; body: string; bodyHtml: string; author: { id: string } | null }[]; attachments: { id: string; url: string }[]; [k: string]: unknown };

export const openIssue = async (tenant: TestTenant, cookie: string, json: Record<string, unknown> = {}) =>
  (await ok<{ issue: Issue }>(await call(tenant.host, "POST", "/api/v1/issues", { cookie, json: { title: "Le Wi-Fi ne marche pas", body: "Depuis ce matin.", ...json } }), 201)).issue;

export const comment = (tenant: TestTenant, cookie: string, issueId: string, body: string, headers: Record<string, string> = {}) =>
  call(tenant.host, "POST", `/api/v1/issues/${issueId}/comments`, { cookie, json: { body }, headers });

/** What a rendered body may contain: no script, no handler, no image, no unsafe link. */
export function assertSafeHtml(html: string): void {
  expect(html).not.toMatch(/<script|<img|<svg|<iframe|<style|<object|<embed|<form|<meta|<details|<math|<video|<audio|<base|<link/i);
  for (const [tag] of html.matchAll(/<[a-zA-Z][^>]*>/g)) {
    expect(tag, `handler in ${html}`).not.toMatch(/\son[a-z]+\s*=/i);
    expect(tag, `style in ${html}`).not.toMatch(/\sstyle\s*=/i);
  }
  expect(html).not.toMatch(/(href|src)\s*=\s*"\s*(javascript|data|vbscript|file):/i);
}

/** Delivers a community's outbox until nothing is pending or being sent (a request's own drain may hold a claim for a moment). */
export async function drainAll(tenantId: string): Promise<void> {
  const db = directoryDb(env);
  for (let i = 0; i < 100; i++) {
    await deliverOutbox(env, { tenantId });
    const [left] = await db.select({ n: sql<number>`count(*)` }).from(outbox).where(and(eq(outbox.tenantId, tenantId), inArray(outbox.status, ["pending", "sending"])));
    if (!left?.n) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error("the outbox did not drain");
}
