import { describe, expect, it } from "vitest";
import { addressKind, refuseUrl, type UrlRules } from "./url";

const dns: Record<string, string[]> = {
  "hooks.example.com": ["93.184.216.34", "2606:2800:220:1:248:1893:25c8:1946"],
  "internal.example.com": ["10.1.2.3"],
  "mixed.example.com": ["93.184.216.34", "192.168.1.10"],
  "loop.example.com": ["127.0.0.1"],
  "v6private.example.com": ["fd00::1"],
};
const resolve = async (host: string) => dns[host] ?? [];
const production: UrlRules = { development: false, resolve };
const development: UrlRules = { development: true, resolve };

describe("webhook URL rules: public addresses only", () => {
  it.each([
    ["93.184.216.34", "public"],
    ["8.8.8.8", "public"],
    ["127.0.0.1", "loopback"],
    ["127.8.9.10", "loopback"],
    ["::1", "loopback"],
    ["0.0.0.0", "blocked"],
    ["10.0.0.1", "blocked"],
    ["172.16.0.1", "blocked"],
    ["172.31.255.255", "blocked"],
    ["172.32.0.1", "public"],
    ["192.168.0.1", "blocked"],
    ["169.254.169.254", "blocked"],
    ["100.64.0.1", "blocked"],
    ["100.127.255.254", "blocked"],
    ["100.128.0.1", "public"],
    ["224.0.0.1", "blocked"],
    ["255.255.255.255", "blocked"],
    ["198.18.0.1", "blocked"],
    ["::", "blocked"],
    ["::ffff:127.0.0.1", "blocked"],
    ["::ffff:8.8.8.8", "blocked"],
    ["::ffff:7f00:1", "blocked"],
    ["64:ff9b::a00:1", "blocked"],
    ["fe80::1", "blocked"],
    ["fc00::1", "blocked"],
    ["fd12:3456::1", "blocked"],
    ["ff02::1", "blocked"],
    ["2001:db8::1", "blocked"],
    ["2002:c0a8:101::1", "blocked"],
    ["2001::1", "blocked"],
    ["2606:4700:4700::1111", "public"],
    ["2a00:1450:4007:80e::200e", "public"],
    ["not-an-ip", null],
    ["1.2.3", null],
    ["1::2::3", null],
  ])("%s is %s", (ip, kind) => {
    expect(addressKind(ip)).toBe(kind);
  });

  it.each([
    ["https://hooks.example.com/in", null],
    ["https://93.184.216.34/in", null],
    ["https://[2606:4700:4700::1111]/in", null],
    ["http://hooks.example.com/in", "https"],
    ["ftp://hooks.example.com/in", "https"],
    ["not a url", "invalid"],
    ["https://user:pw@hooks.example.com/in", "credentials"],
    ["https://127.0.0.1/in", "private"],
    ["https://2130706433/in", "private"], // 127.0.0.1 spelled as a number
    ["https://0x7f.1/in", "private"],
    ["https://[::1]/in", "private"],
    ["https://[::ffff:10.0.0.1]/in", "private"],
    ["https://10.0.0.1/in", "private"],
    ["https://169.254.169.254/latest/meta-data", "private"],
    ["https://localhost/in", "private"],
    ["https://app.localhost/in", "private"],
    ["https://intranet/in", "private"],
    ["https://internal.example.com/in", "private"],
    ["https://mixed.example.com/in", "private"], // every address is checked
    ["https://loop.example.com/in", "private"],
    ["https://v6private.example.com/in", "private"],
    ["https://nowhere.example.com/in", "unresolved"],
  ])("outside development, %s → %s", async (url, refusal) => {
    expect(await refuseUrl(url, production)).toBe(refusal);
  });

  it.each([
    ["http://localhost:8788/hooks", null],
    ["http://127.0.0.1:9000/hooks", null],
    ["http://[::1]:9000/hooks", null],
    ["http://loop.example.com/in", null],
    ["https://hooks.example.com/in", null],
    ["http://10.0.0.1/in", "private"],
    ["http://192.168.1.1/in", "private"],
    ["http://169.254.169.254/in", "private"],
    ["http://mixed.example.com/in", "private"],
    ["ftp://localhost/in", "https"],
  ])("in development, %s → %s (http and loopback allowed, never private ranges)", async (url, refusal) => {
    expect(await refuseUrl(url, development)).toBe(refusal);
  });

  it("refuses a name whose resolution fails", async () => {
    expect(await refuseUrl("https://hooks.example.com/", { development: false, resolve: () => Promise.reject(new Error("DoH down")) })).toBe("unresolved");
  });
});
