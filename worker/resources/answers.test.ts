import { describe, expect, it } from "vitest";
import type { z } from "zod";
import { wholeListAnswer } from "../bookings/answers";
import { call, makeTenant, signUpMember } from "../test/helpers";
import { png } from "../test/images";
import { hiddenResourcesAnswer, resourceAnswer, resourceEnvelope } from "./answers";

// The resources routes' answer schemas (answers.ts, the OpenAPI document's) against what the
// routes really answer: every main route called for real, its body parsed by its schema. The
// schemas are strict: a field the answer has and the schema lacks fails, and so does a field the
// schema names and the answer lacks.

async function answer<S extends z.ZodType>(schema: S, res: Response, status = 200): Promise<z.output<S>> {
  const text = await res.text();
  expect(res.status, text).toBe(status);
  const parsed = schema.safeParse(JSON.parse(text));
  expect(parsed.success ? [] : parsed.error.issues, text).toEqual([]);
  return parsed.data as z.output<S>;
}

describe("resources: the answers match their schemas", () => {
  it("create, list (admin and member), read, change, picture, hidden resources, delete", async () => {
    const tenant = await makeTenant();
    const admin = tenant.owner.cookie;
    const plan = (await (await call(tenant.host, "POST", "/api/v1/plans", { cookie: admin, json: { name: "Flex", price: { amount: 9900, currency: "EUR" }, intervalMonths: 1 } })).json()) as { plan: { id: string } };
    const full = await answer(
      resourceEnvelope,
      await call(tenant.host, "POST", "/api/v1/resources", {
        cookie: admin,
        json: {
          name: "Salle Lovelace",
          category: "rooms",
          description: "With a **view**.",
          units: 2,
          capacity: 8,
          pricePerHour: { amount: 2000, currency: "EUR" },
          planPrices: { [plan.plan.id]: { amount: 1500, currency: "EUR" } },
          taxRate: 5.5,
          minMinutes: 30,
          maxMinutes: 240,
          cutoffHours: 2,
          cancellationHours: 24,
          openingHours: [{ day: 1, from: "08:00", to: "24:00" }],
        },
      }),
      201,
    );
    expect(full.resource.planPrices[plan.plan.id]).toEqual({ amount: 1500, currency: "EUR" });
    const bare = await answer(resourceEnvelope, await call(tenant.host, "POST", "/api/v1/resources", { cookie: admin, json: { name: "Desk", category: "desks", pricePerHour: { amount: 0, currency: "EUR" }, hidden: true } }), 201);
    expect(bare.resource).toMatchObject({ capacity: null, openingHours: null, minMinutes: null, image: null, hidden: true });

    const all = await answer(wholeListAnswer(resourceAnswer), await call(tenant.host, "GET", "/api/v1/resources", { cookie: admin }));
    expect(all.items).toHaveLength(2);
    const member = await signUpMember(tenant, "res-answers@example.com");
    const visible = await answer(wholeListAnswer(resourceAnswer), await call(tenant.host, "GET", "/api/v1/resources", { cookie: member.cookie }));
    expect(visible.items.map((r) => r.id)).toEqual([full.resource.id]);

    await answer(resourceEnvelope, await call(tenant.host, "GET", `/api/v1/resources/${full.resource.id}`, { cookie: member.cookie }));
    await answer(resourceEnvelope, await call(tenant.host, "PATCH", `/api/v1/resources/${bare.resource.id}`, { cookie: admin, json: { capacity: 4, openingHours: [] } }));
    const pictured = await answer(resourceEnvelope, await call(tenant.host, "PUT", `/api/v1/resources/${full.resource.id}/image`, { cookie: admin, body: png(), headers: { "content-type": "image/png" } }));
    expect(pictured.resource.image).toMatch(/^\/media\//);

    const hidden = await answer(hiddenResourcesAnswer, await call(tenant.host, "PUT", `/api/v1/members/${member.id}/hidden-resources`, { cookie: admin, json: { resourceIds: [full.resource.id] } }));
    expect(hidden.resourceIds).toEqual([full.resource.id]);
    await answer(hiddenResourcesAnswer, await call(tenant.host, "GET", `/api/v1/members/${member.id}/hidden-resources`, { cookie: admin }));

    const gone = await call(tenant.host, "DELETE", `/api/v1/resources/${bare.resource.id}`, { cookie: admin });
    expect(gone.status).toBe(204);
    expect(await gone.text()).toBe("");
  });

  it("the schema refuses an answer with a field more or a field less", async () => {
    const tenant = await makeTenant();
    const { resource } = await answer(resourceEnvelope, await call(tenant.host, "POST", "/api/v1/resources", { cookie: tenant.owner.cookie, json: { name: "Room", category: "rooms", pricePerHour: { amount: 100, currency: "EUR" } } }), 201);
    expect(resourceAnswer.safeParse(resource).success).toBe(true);
    expect(resourceAnswer.safeParse({ ...resource, invented: 1 }).success).toBe(false);
    const { hidden: _, ...without } = resource;
    expect(resourceAnswer.safeParse(without).success).toBe(false);
    expect(resourceAnswer.safeParse({ ...resource, pricePerHour: { ...resource.pricePerHour, extra: true } }).success).toBe(false);
  });
});
