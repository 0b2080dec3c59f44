import { describe, expect, it } from "vitest";
import { gif, ico, jpeg, png, svg, webpLossless } from "../test/images";
import { checkAsset, sniffImage } from "./images";

describe("image sniffing", () => {
  it("reads type and size from the bytes", () => {
    expect(sniffImage(png(640, 480))).toEqual({ type: "image/png", width: 640, height: 480 });
    expect(sniffImage(jpeg(1024, 768))).toEqual({ type: "image/jpeg", width: 1024, height: 768 });
    expect(sniffImage(gif(10, 20))).toEqual({ type: "image/gif", width: 10, height: 20 });
    expect(sniffImage(webpLossless(300, 200))).toEqual({ type: "image/webp", width: 300, height: 200 });
    expect(sniffImage(ico())).toEqual({ type: "image/x-icon", width: 16, height: 16 });
    expect(sniffImage(svg())).toBeNull();
    expect(sniffImage(new TextEncoder().encode("<html><script>alert(1)</script>"))).toBeNull();
  });

  it("refuses SVG, ICO as a logo, oversize files and pixel floods", () => {
    expect(() => checkAsset("logo", svg())).toThrow(expect.objectContaining({ status: 415 }));
    expect(() => checkAsset("logo", ico())).toThrow(expect.objectContaining({ status: 415 }));
    expect(() => checkAsset("favicon", jpeg())).toThrow(expect.objectContaining({ status: 415 }));
    expect(checkAsset("favicon", ico()).type).toBe("image/x-icon");
    expect(() => checkAsset("logo", png(2, 2, 2 * 1024 * 1024 + 1))).toThrow(expect.objectContaining({ status: 413 }));
    expect(() => checkAsset("cover", png(50_000, 50_000))).toThrow(expect.objectContaining({ status: 422, code: "image_too_large" }));
    expect(() => checkAsset("cover", png(8000, 8000))).toThrow(expect.objectContaining({ code: "image_too_large" }));
    expect(checkAsset("cover", png(4000, 3000)).width).toBe(4000);
  });
});
