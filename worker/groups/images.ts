import { ApiError } from "../http/errors";

export type ImageType = "image/png" | "image/jpeg" | "image/webp" | "image/gif" | "image/x-icon";
export type AssetKind = "logo" | "cover" | "favicon";

export const ASSET_LIMITS: Record<AssetKind, { maxBytes: number; types: ImageType[] }> = {
  logo: { maxBytes: 2 * 1024 * 1024, types: ["image/png", "image/jpeg", "image/webp", "image/gif"] },
  cover: { maxBytes: 5 * 1024 * 1024, types: ["image/png", "image/jpeg", "image/webp", "image/gif"] },
  favicon: { maxBytes: 512 * 1024, types: ["image/png", "image/x-icon"] },
};

/** Pixel-flood guard: a small file must not decode to a gigantic bitmap in a browser. */
export const MAX_SIDE = 8192;
export const MAX_PIXELS = 40_000_000;

const EXT: Record<ImageType, string> = { "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp", "image/gif": "gif", "image/x-icon": "ico" };
export const extensionOf = (type: ImageType) => EXT[type];

function ascii(b: Uint8Array, at: number, len: number): string {
  return String.fromCharCode(...b.subarray(at, at + len));
}
const u16be = (b: Uint8Array, i: number) => (b[i]! << 8) | b[i + 1]!;
const u16le = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8);
const u24le = (b: Uint8Array, i: number) => b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16);
const u32be = (b: Uint8Array, i: number) => ((b[i]! << 24) >>> 0) + ((b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!);

export type Sniffed = { type: ImageType; width: number; height: number };

/** The type and size of an image, read from its bytes; null when it is none of the accepted formats. */
export function sniffImage(b: Uint8Array): Sniffed | null {
  if (b.length >= 24 && b[0] === 0x89 && ascii(b, 1, 3) === "PNG" && b[4] === 0x0d && b[5] === 0x0a && b[6] === 0x1a && b[7] === 0x0a && ascii(b, 12, 4) === "IHDR") {
    return { type: "image/png", width: u32be(b, 16), height: u32be(b, 20) };
  }
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) {
    // Walk the segments to the frame header (SOFn) that carries the dimensions.
    let i = 2;
    while (i + 9 < b.length) {
      if (b[i] !== 0xff) return null;
      const marker = b[i + 1]!;
      if (marker === 0xff) {
        i++;
        continue;
      }
      if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
        i += 2;
        continue;
      }
      const length = u16be(b, i + 2);
      if (length < 2) return null;
      const isFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
      if (isFrame) return { type: "image/jpeg", height: u16be(b, i + 5), width: u16be(b, i + 7) };
      if (marker === 0xda || marker === 0xd9) return null;
      i += 2 + length;
    }
    return null;
  }
  if (b.length >= 10 && (ascii(b, 0, 6) === "GIF87a" || ascii(b, 0, 6) === "GIF89a")) {
    return { type: "image/gif", width: u16le(b, 6), height: u16le(b, 8) };
  }
  if (b.length >= 30 && ascii(b, 0, 4) === "RIFF" && ascii(b, 8, 4) === "WEBP") {
    const chunk = ascii(b, 12, 4);
    if (chunk === "VP8X") return { type: "image/webp", width: u24le(b, 24) + 1, height: u24le(b, 27) + 1 };
    if (chunk === "VP8 " && b[23] === 0x9d && b[24] === 0x01 && b[25] === 0x2a) {
      return { type: "image/webp", width: u16le(b, 26) & 0x3fff, height: u16le(b, 28) & 0x3fff };
    }
    if (chunk === "VP8L" && b[20] === 0x2f) {
      const bits = b[21]! | (b[22]! << 8) | (b[23]! << 16) | (b[24]! << 24);
      return { type: "image/webp", width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
    }
    return null;
  }
  if (b.length >= 22 && b[0] === 0 && b[1] === 0 && b[2] === 1 && b[3] === 0) {
    const count = u16le(b, 4);
    if (count < 1 || count > 64 || b.length < 6 + 16 * count) return null;
    let width = 0;
    let height = 0;
    for (let k = 0; k < count; k++) {
      width = Math.max(width, b[6 + 16 * k] || 256);
      height = Math.max(height, b[7 + 16 * k] || 256);
    }
    return { type: "image/x-icon", width, height };
  }
  return null;
}

/** Decides whether bytes may become this asset: 413 when too big, 415 when not an accepted image, 422 when too many pixels. */
export function checkAsset(kind: AssetKind, bytes: Uint8Array): Sniffed {
  const limit = ASSET_LIMITS[kind];
  if (bytes.length > limit.maxBytes) throw new ApiError(413, "payload_too_large", `A ${kind} can be at most ${Math.round(limit.maxBytes / 1024)} KiB.`);
  if (bytes.length === 0) throw new ApiError(415, "unsupported_media_type", "The file is empty.");
  const sniffed = sniffImage(bytes);
  if (!sniffed || !limit.types.includes(sniffed.type)) {
    const allowed = limit.types.map((t) => extensionOf(t).toUpperCase()).join(", ");
    throw new ApiError(415, "unsupported_media_type", `A ${kind} must be ${allowed} (checked from the file's content).`);
  }
  if (sniffed.width < 1 || sniffed.height < 1 || sniffed.width > MAX_SIDE || sniffed.height > MAX_SIDE || sniffed.width * sniffed.height > MAX_PIXELS) {
    throw new ApiError(422, "image_too_large", `The image is ${sniffed.width}×${sniffed.height} pixels; at most ${MAX_SIDE} per side and ${MAX_PIXELS / 1_000_000} megapixels.`);
  }
  return sniffed;
}

async function sha256(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((x) => x.toString(16).padStart(2, "0")).join("");
}

/** Stores the image under a content-hash key and returns the key. Same bytes, same key. */
export async function storeImage(bucket: R2Bucket, prefix: string, bytes: Uint8Array<ArrayBuffer>, sniffed: Sniffed): Promise<string> {
  const key = `${prefix}/${await sha256(bytes)}.${extensionOf(sniffed.type)}`;
  await bucket.put(key, bytes, { httpMetadata: { contentType: sniffed.type, cacheControl: "public, max-age=31536000, immutable" } });
  return key;
}

/** Reads a request body up to `max` bytes, answering 413 as soon as it is known to be larger. */
export async function readLimited(request: Request, max: number): Promise<Uint8Array<ArrayBuffer>> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > max) throw new ApiError(413, "payload_too_large", `At most ${Math.round(max / 1024)} KiB.`);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel();
      throw new ApiError(413, "payload_too_large", `At most ${Math.round(max / 1024)} KiB.`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}
