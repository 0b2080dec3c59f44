import type { TenantDb } from "../db/client";
import { ApiError } from "../http/errors";
import { extensionOf, MAX_PIXELS, MAX_SIDE, readLimited, sniffImage, storeImage, type ImageType } from "../groups/images";
import { setAvatarKey } from "./service";

/** The same rules as a group's logo: PNG, JPEG, WebP or GIF read from the bytes, 2 MiB, 8192 px a side, 40 megapixels. */
export const AVATAR_MAX_BYTES = 2 * 1024 * 1024;
export const AVATAR_TYPES: ImageType[] = ["image/png", "image/jpeg", "image/webp", "image/gif"];
export const AVATAR_ACCEPT = AVATAR_TYPES.join(",");

/** 413 when too big, 415 when not an accepted image (by its bytes), 422 when too many pixels. */
export function checkAvatar(bytes: Uint8Array) {
  if (bytes.length > AVATAR_MAX_BYTES) throw new ApiError(413, "payload_too_large", `A profile picture can be at most ${AVATAR_MAX_BYTES / 1024} KiB.`);
  if (bytes.length === 0) throw new ApiError(415, "unsupported_media_type", "The file is empty.");
  const sniffed = sniffImage(bytes);
  if (!sniffed || !AVATAR_TYPES.includes(sniffed.type)) {
    throw new ApiError(415, "unsupported_media_type", `A profile picture must be ${AVATAR_TYPES.map((t) => extensionOf(t).toUpperCase()).join(", ")} (checked from the file's content).`);
  }
  if (sniffed.width < 1 || sniffed.height < 1 || sniffed.width > MAX_SIDE || sniffed.height > MAX_SIDE || sniffed.width * sniffed.height > MAX_PIXELS) {
    throw new ApiError(422, "image_too_large", `The image is ${sniffed.width}×${sniffed.height} pixels; at most ${MAX_SIDE} per side and ${MAX_PIXELS / 1_000_000} megapixels.`);
  }
  return sniffed;
}

/** Checks and stores the picture under the member's own prefix; returns its URL. */
export async function saveAvatar(bucket: R2Bucket, t: TenantDb, userId: string, bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const sniffed = checkAvatar(bytes);
  const key = await storeImage(bucket, `tenants/${t.tenantId}/users/${userId}/avatar`, bytes, sniffed);
  await setAvatarKey(t, userId, key);
  return `/media/${key}`;
}

export const readAvatarBody = (request: Request) => readLimited(request, AVATAR_MAX_BYTES);
