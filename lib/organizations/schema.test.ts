import { describe, expect, it } from "vitest";
import { planSchema } from "@/lib/organizations/schema";

describe("plans", () => {
  it.each([0, "0", -1, 1e-12])("refuses a quota of %j GB (zero bytes or less)", (storageQuotaGb) => {
    const result = planSchema.safeParse({ name: "Empty", storageQuotaGb });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].path).toEqual(["storageQuotaGb"]);
  });

  it("accepts a small quota", () => {
    expect(planSchema.safeParse({ name: "Small", storageQuotaGb: 0.5 }).success).toBe(true);
  });
});
