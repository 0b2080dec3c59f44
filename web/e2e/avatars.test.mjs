// Avatars in the browser (issue 12, point 9): the demo member uploads a profile picture, writes in
// the chat and in a thread of /g/makers; the owner (no picture) sees the member's photo beside their
// messages, thread and reply, and their own initials in the header; the member sees their own photo
// in the header. Screenshots: artifacts/screenshots/avatars-*.png (1280x800 and 360x740, fr and en).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { join } from "node:path";
import { deflateSync } from "node:zlib";
import { DEMO, LANGS, SHOTS, apiLogin, openPage, postJson, ready, tenant, tenantHttp } from "./harness.mjs";

/** A real PNG (a two-tone disc on a colour), so the browser draws it. */
function portrait(size = 96) {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (buf) => {
    let c = 0xffffffff;
    for (const b of buf) c = crcTable[(c ^ b) & 255] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const sum = Buffer.alloc(4);
    sum.writeUInt32BE(crc(body));
    return Buffer.concat([len, body, sum]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 3);
    for (let x = 0; x < size; x++) {
      const dx = x - size / 2, dy = y - size / 2.6;
      const head = dx * dx + dy * dy < (size / 4.5) ** 2;
      const body = y > size * 0.62 && Math.abs(dx) < size * 0.34;
      const [r, g, b] = head || body ? [250, 214, 165] : [14, 116, 144];
      row.set([r, g, b], 1 + x * 3);
    }
    rows.push(row);
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(Buffer.concat(rows))), chunk("IEND", Buffer.alloc(0))]);
}

describe("Avatars: the member's photo beside their messages, thread and reply; initials for the owner", () => {
  const sids = {};
  let threadId = null;
  before(async () => {
    ready();
    sids.member = await apiLogin(DEMO.member.email, DEMO.member.password);
    sids.owner = await apiLogin(DEMO.owner.email, DEMO.owner.password);
    const { member, owner } = sids;
    const up = await tenantHttp("/api/v1/me/avatar", { method: "PUT", headers: { "content-type": "image/png", cookie: `sid=${member}` }, body: portrait() });
    assert(up.status === 200, `PUT /api/v1/me/avatar: ${up.status} ${up.body}`);
    const thread = await postJson("/api/v1/groups/makers/threads", { title: "Atelier soudure jeudi", body: "Qui apporte le fer à souder ?" }, member);
    assert(thread.status === 201, `thread: ${thread.status} ${thread.body}`);
    threadId = JSON.parse(thread.body).thread.id;
    await postJson(`/api/v1/groups/makers/threads/${threadId}/replies`, { body: "J'en ai deux, je les apporte." }, owner);
    await postJson(`/api/v1/groups/makers/threads/${threadId}/replies`, { body: "Parfait, merci !" }, member);
    for (const [sid, text] of [[member, "Bonjour à tous, je serai là jeudi."], [owner, "Super, à jeudi !"], [member, "J'apporte des boissons."]]) await postJson("/api/v1/groups/makers/messages", { text }, sid);
  });

  for (const viewport of [{ width: 1280, height: 800 }, { width: 360, height: 740 }]) {
    for (const lang of LANGS) {
      for (const who of ["owner", "member"]) {
        describe(`as the ${who} (${lang}, ${viewport.width})`, () => {
          let context, page;
          before(async () => ({ context, page } = await openPage({ viewport, deviceScaleFactor: 1 }, { sid: sids[who] })));
          after(() => context?.close());
          for (const [name, path] of [["group", () => "/g/makers"], ["thread", () => `/g/makers/t/${threadId}`], ["chat", () => "/g/makers/chat"]]) {
            it(`${who} ${name} ${lang} ${viewport.width}: the member's photo shows, the header shows ${who === "owner" ? "initials" : "the photo"}`, async () => {
              const res = await page.goto(`${tenant}${path()}?lang=${lang}`);
              assert(res.status() === 200, `${path()}: ${res.status()}`);
              await page.waitForLoadState("networkidle").catch(() => undefined);
              const photos = await page.locator(`img.avatar-img[src^="/media/"]`).count();
              const broken = await page.evaluate(() => [...document.querySelectorAll("img.avatar-img")].filter((i) => !i.complete || i.naturalWidth === 0).length);
              assert(photos > 0, `${who} ${path()} ${lang} ${viewport.width}: no uploaded avatar shown`);
              assert(broken === 0, `${who} ${path()}: ${broken} avatar images did not load`);
              if (who === "owner") assert((await page.locator(".nav-user .avatar:not(.avatar-img)").count()) === 1, "the owner's header should show initials");
              else assert((await page.locator(".nav-user img.avatar-img").count()) === 1, "the member's header should show the photo");
              if (who === "owner" || name === "group") await page.screenshot({ path: join(SHOTS, `avatars-${name}-${who}-${lang}-${viewport.width}.png`), fullPage: viewport.width === 360 ? false : true });
            });
          }
        });
      }
    }
  }
});
