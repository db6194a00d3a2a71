import { describe, expect, it } from "vitest";
import { canInOrg, canOnPlatform, type Actor } from "@/lib/auth/permissions";

const ORG_A = "a";
const ORG_B = "b";
const actor = (roles: Actor["roles"], isPlatformAdmin = false): Actor => ({
  id: "u",
  isPlatformAdmin,
  roles,
});

describe("permission table", () => {
  it("lets an organisation administrator manage only their own organisation", () => {
    const admin = actor({ [ORG_A]: ["ORG_ADMIN"] });
    expect(canInOrg(admin, ORG_A, "users:manage")).toBe(true);
    expect(canInOrg(admin, ORG_B, "users:manage")).toBe(false);
    expect(canInOrg(admin, ORG_B, "org:view-admin")).toBe(false);
  });

  it("gives members no administration", () => {
    for (const role of ["ORIGINATOR", "COLLABORATOR", "ADHOC"] as const) {
      expect(canInOrg(actor({ [ORG_A]: [role] }), ORG_A, "users:manage")).toBe(false);
      expect(canOnPlatform(actor({ [ORG_A]: [role] }), "platform:admin")).toBe(false);
    }
  });

  it("follows the seed's roles for files", () => {
    expect(canInOrg(actor({ [ORG_A]: ["ORIGINATOR"] }), ORG_A, "files:own")).toBe(true);
    expect(canInOrg(actor({ [ORG_A]: ["COLLABORATOR"] }), ORG_A, "files:own")).toBe(false);
    expect(canInOrg(actor({ [ORG_A]: ["COLLABORATOR"] }), ORG_A, "files:upload")).toBe(true);
    expect(canInOrg(actor({ [ORG_A]: ["ADHOC"] }), ORG_A, "files:upload")).toBe(false);
    expect(canInOrg(actor({ [ORG_A]: ["ADHOC"] }), ORG_A, "files:open-shared")).toBe(true);
  });

  it("lets platform administrators administer any organisation but not own files there", () => {
    const platform = actor({}, true);
    expect(canInOrg(platform, ORG_B, "users:manage")).toBe(true);
    expect(canInOrg(platform, ORG_B, "files:own")).toBe(false);
    expect(canOnPlatform(platform, "platform:admin")).toBe(true);
  });
});
