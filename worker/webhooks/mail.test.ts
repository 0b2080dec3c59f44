import { describe, expect, it } from "vitest";
import { webhookDisabledMail } from "../mail/templates";

describe("the email to the owner when a webhook is disabled", () => {
  it.each([
    ["en", "Acme: a webhook was disabled", "have failed for 5 days"],
    ["fr", "Acme\u202f: un webhook a été désactivé", "échouent depuis 5 jours"],
    ["nl", "Acme: een webhook is uitgeschakeld", "mislukken al 5 dagen"],
  ] as const)("%s: names the URL, says why, links to the integrations page", (lang, subject, why) => {
    const mail = webhookDisabledMail(lang, { brand: { color: "#4f46e5", logoUrl: null }, to: "owner@example.org", community: "Acme", webhookUrl: "https://hooks.example.com/in", url: "https://acme.example/admin/integrations" });
    expect(mail.subject).toBe(subject);
    expect(mail.text).toContain(why);
    expect(mail.text).toContain("https://hooks.example.com/in");
    expect(mail.html).toContain("https://acme.example/admin/integrations");
  });
});
