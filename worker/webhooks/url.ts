// Where a webhook may be sent: `https` only, to public addresses only (never private, loopback,
// link-local, unspecified, CGNAT, multicast, documentation, IPv4-mapped…). An IP literal is
// checked as it is; a name is resolved (DNS over HTTPS) and every address it has is checked.
// Development (`ENVIRONMENT = "development"`) also allows `http` and loopback, never private
// ranges. Checked when a URL is saved and again before every attempt (a name can change what
// it resolves to).

/** Resolves a host name to its IPv4 and IPv6 addresses (textual); [] when it has none. */
export type Resolver = (hostname: string) => Promise<string[]>;

/** Why a URL is refused (a catalog key under `webhooks.url.`). */
export type UrlRefusal = "invalid" | "https" | "credentials" | "private" | "unresolved";

export type UrlRules = { development: boolean; resolve: Resolver };

const DOH = "https://cloudflare-dns.com/dns-query";

/** DNS over HTTPS (Cloudflare's JSON API), A and AAAA, CNAMEs followed by the resolver. */
export const dohResolver: Resolver = async (hostname) => {
  const ask = async (type: "A" | "AAAA") => {
    const res = await fetch(`${DOH}?name=${encodeURIComponent(hostname)}&type=${type}`, { headers: { accept: "application/dns-json" }, signal: AbortSignal.timeout(5_000) });
    if (!res.ok) throw new Error(`DNS over HTTPS answered ${res.status}`);
    const body = (await res.json()) as { Status?: number; Answer?: { type: number; data: string }[] };
    const want = type === "A" ? 1 : 28;
    return (body.Answer ?? []).filter((a) => a.type === want).map((a) => a.data);
  };
  const [v4, v6] = await Promise.all([ask("A"), ask("AAAA")]);
  return [...v4, ...v6];
};

function ipv4Bytes(text: string): number[] | null {
  const parts = text.split(".");
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9]\d{0,2})$/.test(p))) return null;
  const bytes = parts.map(Number);
  return bytes.every((b) => b <= 255) ? bytes : null;
}

/** The 16 bytes of a textual IPv6 address (with `::`, and a dotted IPv4 tail), or null. */
function ipv6Bytes(text: string): number[] | null {
  let s = text.toLowerCase();
  if (s.includes("%")) return null; // a zone is never public
  let tail: number[] = [];
  const lastColon = s.lastIndexOf(":");
  if (s.slice(lastColon + 1).includes(".")) {
    const v4 = ipv4Bytes(s.slice(lastColon + 1));
    if (!v4) return null;
    tail = v4;
    s = s.slice(0, lastColon + 1) + "0:0";
  }
  const halves = s.split("::");
  if (halves.length > 2) return null;
  const groups = (h: string) => (h === "" ? [] : h.split(":"));
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  const missing = 8 - head.length - rest.length;
  if ((halves.length === 1 && missing !== 0) || (halves.length === 2 && missing < 1)) return null;
  const all = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill("0"), ...rest];
  if (all.length !== 8 || !all.every((g) => /^[0-9a-f]{1,4}$/.test(g))) return null;
  const bytes = all.flatMap((g) => {
    const n = parseInt(g, 16);
    return [n >> 8, n & 0xff];
  });
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes;
}

const inV4 = (b: number[], prefix: number[], bits: number) => {
  for (let i = 0; i < 4; i++) {
    const take = Math.max(0, Math.min(8, bits - i * 8));
    const mask = take === 0 ? 0 : (0xff << (8 - take)) & 0xff;
    if ((b[i]! & mask) !== (prefix[i]! & mask)) return false;
  }
  return true;
};

/** IPv4 ranges that are never a public receiver (RFC 6890 and friends). */
const V4_BLOCKED: [number[], number][] = [
  [[0, 0, 0, 0], 8], // "this network", unspecified
  [[10, 0, 0, 0], 8], // private
  [[100, 64, 0, 0], 10], // carrier-grade NAT
  [[169, 254, 0, 0], 16], // link-local (cloud metadata)
  [[172, 16, 0, 0], 12], // private
  [[192, 0, 0, 0], 24], // IETF protocol assignments
  [[192, 0, 2, 0], 24], // documentation
  [[192, 88, 99, 0], 24], // 6to4 relay
  [[192, 168, 0, 0], 16], // private
  [[198, 18, 0, 0], 15], // benchmarking
  [[198, 51, 100, 0], 24], // documentation
  [[203, 0, 113, 0], 24], // documentation
  [[224, 0, 0, 0], 4], // multicast
  [[240, 0, 0, 0], 4], // reserved, broadcast
];

export type AddressKind = "public" | "loopback" | "blocked";

/** What an IP address (textual, IPv4 or IPv6 without brackets) is; null when it is not one. */
export function addressKind(ip: string): AddressKind | null {
  const v4 = ipv4Bytes(ip);
  if (v4) {
    if (v4[0] === 127) return "loopback";
    return V4_BLOCKED.some(([p, bits]) => inV4(v4, p, bits)) ? "blocked" : "public";
  }
  const v6 = ipv6Bytes(ip);
  if (!v6) return null;
  if (v6.slice(0, 15).every((b) => b === 0) && v6[15] === 1) return "loopback"; // ::1
  // Only global unicast (2000::/3) can be public, minus its special blocks: IETF protocol
  // assignments and Teredo (2001::/23), documentation (2001:db8::/32), 6to4 (2002::/16).
  // Everything else (::, IPv4-mapped and -compatible, NAT64, ULA fc00::/7, link-local,
  // site-local, multicast, discard) is refused.
  if ((v6[0]! & 0xe0) !== 0x20) return "blocked";
  if (v6[0] === 0x20 && v6[1] === 0x01 && v6[2]! < 0x02) return "blocked";
  if (v6[0] === 0x20 && v6[1] === 0x01 && v6[2] === 0x0d && v6[3] === 0xb8) return "blocked";
  if (v6[0] === 0x20 && v6[1] === 0x02) return "blocked";
  return "public";
}

const allowedAddress = (kind: AddressKind | null, development: boolean) => kind === "public" || (kind === "loopback" && development);

/**
 * Why `raw` may not receive webhooks under `rules`, or null when it may. Names are resolved
 * and every address checked; a name that resolves to nothing (or whose resolution fails) is
 * refused too.
 */
export async function refuseUrl(raw: string, rules: UrlRules): Promise<UrlRefusal | null> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "invalid";
  }
  if (url.protocol !== "https:" && !(rules.development && url.protocol === "http:")) return "https";
  if (url.username || url.password) return "credentials";
  // The URL parser already turned every IPv4 spelling (`2130706433`, `0x7f.1`) into dotted form.
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1").replace(/\.$/, "").toLowerCase();
  if (!host) return "invalid";
  const literal = addressKind(host);
  if (literal) return allowedAddress(literal, rules.development) ? null : "private";
  if (host === "localhost" || host.endsWith(".localhost")) return rules.development ? null : "private";
  if (!host.includes(".")) return "private"; // a single label only resolves on a private network
  let addresses: string[];
  try {
    addresses = await rules.resolve(host);
  } catch {
    return "unresolved";
  }
  if (addresses.length === 0) return "unresolved";
  return addresses.every((a) => allowedAddress(addressKind(a), rules.development)) ? null : "private";
}
