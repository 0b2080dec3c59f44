import { Hono } from "hono";
import { tenantDb } from "../db/client";
import type { AppEnv } from "../env";
import { requestOrigin, requireTenant, viewingAsMember } from "../http/context";
import { formAction, readForm, requirePageUser } from "../http/forms";
import { pageContext } from "../http/render";
import { secretsKeyOf } from "../invoices/sealed";
import { openCheckout } from "./service";

// "Pay by card" on the member's invoice page (`/membership/invoices/{id}`, whose form posts
// here): opens a checkout and sends the browser on to it (303). When it cannot open, back to
// the invoice page with `?error=<code>` (worker/payments/notices.ts says it in the payer's
// words); someone else's invoice is the 404 page, as reading it.

const invoicePage = (id: string) => `/membership/invoices/${encodeURIComponent(id)}`;

export const cardPaymentPages = new Hono<AppEnv>()
  .post("/membership/invoices/:id/pay", async (c) => {
    const id = c.req.param("id");
    const user = requirePageUser(c, invoicePage(id));
    if (user instanceof Response) return user;
    const form = await readForm(c);
    const actor = { tenantRole: user.tenantRole, userId: user.id, viewingAsMember: viewingAsMember(c) };
    return formAction(c, {
      form,
      run: () => openCheckout(tenantDb(c.env, requireTenant(c)), secretsKeyOf(c.env), actor, id, { origin: requestOrigin(c), lang: pageContext(c).lang }),
      render: (f) => (f.status === 404 ? Promise.reject(f.err) : c.redirect(`${invoicePage(id)}?error=${encodeURIComponent(f.err.code)}`, 303)),
      done: (session) => session.url,
      shows: (err) => err.status < 500 || err.code === "payments_unavailable",
    });
  });
