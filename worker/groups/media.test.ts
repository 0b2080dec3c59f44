import { describe, expect, it } from "vitest";
import { call, makeTenant } from "../test/helpers";

describe("/media/… paths", () => {
  it("answers 404, never a 5xx, for malformed percent-encoding and unknown keys", async () => {
    const tenant = await makeTenant();
    for (const path of ["/media/%E0%A4%A", "/media/%", "/media/%zz", `/media/tenants/${tenant.id}/%E0%A4%A`, `/media/tenants/${tenant.id}/%`, "/media/%C0%AF", "/media/%ED%A0%80", `/media/tenants/${tenant.id}/..%2F..%2Fx`, `/media/tenants/${tenant.id}/nothing.png`]) {
      for (const cookie of [undefined, tenant.owner.cookie]) {
        const res = await call(tenant.host, "GET", path, cookie ? { cookie } : {});
        expect(res.status, path).toBe(404);
      }
    }
  });
});
