import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { DEMO_DOMAIN, ensureDemoDomain } from "@/lib/bootstrap/demo";
import { verifiedOwnerOfEmail } from "@/lib/identity/domains";
import { defaultPlanId } from "@/test/factories";

describe("the demo organisation's domain", () => {
  it("is verified at every start, also in a database made before verified domains, once", async () => {
    // The test database has no demo data: this test owns the "acme" organisation.
    const acme = await db.organization.upsert({
      where: { slug: "acme" },
      update: {},
      create: { slug: "acme", name: "Acme", defaultPlanId: await defaultPlanId() },
      select: { id: true },
    });
    // As an older dev database has it: the domain claimed, not verified.
    await db.domain.upsert({
      where: { organizationId_name: { organizationId: acme.id, name: DEMO_DOMAIN } },
      update: { verifiedAt: null, verificationMethod: null },
      create: { organizationId: acme.id, name: DEMO_DOMAIN },
    });
    expect(await ensureDemoDomain()).toBe(true);
    expect(await verifiedOwnerOfEmail(`ada.adams@${DEMO_DOMAIN}`)).toBe(acme.id);
    expect(await ensureDemoDomain()).toBe(false);
    expect(
      await db.domain.findMany({ where: { name: DEMO_DOMAIN }, select: { verificationMethod: true } }),
    ).toEqual([{ verificationMethod: "APPROVED" }]);
  });
});
