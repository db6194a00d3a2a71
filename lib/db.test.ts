import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";

// The migrations are written by hand (README, "Database"): reading every model with all its scalar fields
// proves that prisma/schema.prisma and prisma/migrations agree.
describe("schema and migrations", () => {
  for (const model of Object.values(Prisma.ModelName)) {
    it(`reads every column of ${model}`, async () => {
      const delegate = (db as unknown as Record<string, { findFirst: () => Promise<unknown> }>)[
        model[0].toLowerCase() + model.slice(1)
      ];
      // PostgreSQL checks every selected column when it plans the query, also on an empty table.
      await expect(delegate.findFirst()).resolves.toBeDefined();
    });
  }

  it("compares emails case-insensitively: a second account differing only in case is refused", async () => {
    const email = `case-${Date.now()}@test.example`;
    await db.user.create({ data: { email, name: "A" } });
    await expect(db.user.create({ data: { email: email.toUpperCase(), name: "B" } })).rejects.toThrow();
    await expect(
      db.$executeRawUnsafe(
        `insert into "User"(id, email, name, "updatedAt") values (gen_random_uuid(), $1, 'C', now())`,
        email.replace("case", "CASE"),
      ),
    ).rejects.toThrow();
  });

  it("keeps at most one default plan", async () => {
    await expect(
      db.plan.create({
        data: { name: `second-default-${Date.now()}`, storageQuotaBytes: 1n, isDefault: true },
      }),
    ).rejects.toThrow();
  });
});
