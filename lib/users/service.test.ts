import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { NotFoundError, UserError } from "@/lib/errors";
import {
  createLocalUser,
  grantOrgAdmin,
  revokeOrgAdmin,
  setLocalRoles,
  setPlatformAdmin,
  setUserStatus,
  changeOwnPassword,
} from "@/lib/users/service";
import { EXACT_COUNT_LIMIT, listOrgUsers } from "@/lib/users/queries";
import { verifyPassword } from "@/lib/auth/password";
import { makeOrg, makeUser, uid } from "@/test/factories";

describe("local accounts", () => {
  it("creates an account on the default plan, refusing an email that differs only in case", async () => {
    const org = await makeOrg();
    const email = `new-${uid()}@test.example`;
    const created = await createLocalUser(
      { actorId: null, organizationId: org.id },
      { email, name: "New", accountName: undefined, password: "a-long-password-1", roles: ["ORIGINATOR"] },
    );
    const membership = await db.membership.findFirstOrThrow({
      where: { userId: created.id },
      select: { roles: true, plan: { select: { isDefault: true } } },
    });
    expect(membership.roles).toEqual(["ORIGINATOR"]);
    expect(membership.plan.isDefault).toBe(true);
    const again = createLocalUser(
      { actorId: null, organizationId: org.id },
      {
        email: email.toUpperCase().toLowerCase(),
        name: "Dup",
        accountName: undefined,
        password: "a-long-password-1",
        roles: ["ORIGINATOR"],
      },
    );
    await expect(again).rejects.toMatchObject({
      fieldErrors: { email: "An account with this email already exists." },
    });
    expect(await db.auditLog.count({ where: { action: "user.create", targetId: created.id } })).toBe(1);
  });

  it("disables and enables, and refuses to touch another organisation's user", async () => {
    const [a, b] = [await makeOrg(), await makeOrg()];
    const admin = await makeUser({ org: a, roles: ["ORG_ADMIN"] });
    const member = await makeUser({ org: a });
    const stranger = await makeUser({ org: b });
    // A local account that lives only in this organisation: the organisation owns the account itself.
    await setUserStatus({ actorId: admin.id, organizationId: a.id }, member.id, "DISABLED", "account");
    expect((await db.user.findUniqueOrThrow({ where: { id: member.id } })).status).toBe("DISABLED");
    await setUserStatus({ actorId: admin.id, organizationId: a.id }, member.id, "ACTIVE", "account");
    expect((await db.user.findUniqueOrThrow({ where: { id: member.id } })).status).toBe("ACTIVE");
    await expect(
      setUserStatus({ actorId: admin.id, organizationId: a.id }, stranger.id, "DISABLED"),
    ).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      setLocalRoles({ actorId: admin.id, organizationId: a.id }, stranger.id, ["ORG_ADMIN"]),
    ).rejects.toBeInstanceOf(NotFoundError);
    expect((await db.user.findUniqueOrThrow({ where: { id: stranger.id } })).status).toBe("ACTIVE");
    await expect(
      setUserStatus({ actorId: admin.id, organizationId: a.id }, admin.id, "DISABLED"),
    ).rejects.toBeInstanceOf(UserError);
  });

  it("leaves the roles and status of directory users to the directory", async () => {
    const org = await makeOrg();
    const dirUser = await makeUser({ org, source: "DIRECTORY" });
    await expect(
      setLocalRoles({ actorId: null, organizationId: org.id }, dirUser.id, ["ORG_ADMIN"]),
    ).rejects.toThrow(/follow the directory/);
    await expect(
      setUserStatus({ actorId: null, organizationId: org.id }, dirUser.id, "DISABLED", "account"),
    ).rejects.toThrow(/directory/);
  });

  it("searches name, email and account name, filters by source and status, and pages", async () => {
    const org = await makeOrg();
    const tag = uid();
    for (let i = 0; i < 30; i++)
      await makeUser({ org, emailPrefix: `p${tag}-${String(i).padStart(2, "0")}` });
    await makeUser({ org, emailPrefix: `dir${tag}`, source: "DIRECTORY" });
    const first = await listOrgUsers(org.id, { q: tag, page: 1 });
    expect(first.total).toEqual({ count: 31, exact: true });
    expect(first.rows).toHaveLength(25);
    const second = await listOrgUsers(org.id, { q: tag, page: 2 });
    expect(second.rows).toHaveLength(6);
    expect((await listOrgUsers(org.id, { q: tag, source: "DIRECTORY", page: 1 })).total.count).toBe(1);
    const one = await listOrgUsers(org.id, { q: `P${tag}-07`.toUpperCase(), page: 1 });
    expect(one.rows).toHaveLength(1);
    expect(one.rows[0].user.accountName).toMatch(new RegExp(`^p${tag}-07-`));
    expect((await listOrgUsers(org.id, { q: tag, status: "DISABLED", page: 1 })).total.count).toBe(0);
  });

  it("pages by key in both directions, the same rows as by offset", async () => {
    const org = await makeOrg();
    const tag = uid();
    for (let i = 0; i < 60; i++)
      await makeUser({ org, emailPrefix: `k${tag}-${String(i).padStart(2, "0")}` });
    const emails = (rows: { user: { email: string } }[]) => rows.map((r) => r.user.email);
    const page1 = await listOrgUsers(org.id, { q: tag, page: 1 });
    const page2 = await listOrgUsers(org.id, { q: tag, page: 2, after: page1.rows.at(-1)!.user.email });
    const page3 = await listOrgUsers(org.id, { q: tag, page: 3, after: page2.rows.at(-1)!.user.email });
    expect([page1.more, page2.more, page3.more]).toEqual([true, true, false]);
    expect(emails(page2.rows)).toEqual(emails((await listOrgUsers(org.id, { q: tag, page: 2 })).rows));
    expect(page3.rows).toHaveLength(10);
    const back = await listOrgUsers(org.id, { q: tag, page: 2, before: page3.rows[0].user.email });
    expect(emails(back.rows)).toEqual(emails(page2.rows));
    // A page past the end is empty, but the total still says how many there are.
    const past = await listOrgUsers(org.id, { q: tag, page: 999 });
    expect(past.rows).toHaveLength(0);
    expect(past.total.count).toBe(60);
  });

  it("searches % and _ as characters, not wildcards", async () => {
    const org = await makeOrg();
    const tag = uid();
    await makeUser({ org, emailPrefix: `w${tag}a` });
    expect((await listOrgUsers(org.id, { q: `w${tag}_`, page: 1 })).total.count).toBe(0);
    expect((await listOrgUsers(org.id, { q: `w%${tag}`, page: 1 })).total.count).toBe(0);
    expect((await listOrgUsers(org.id, { q: `w${tag}a`, page: 1 })).total.count).toBe(1);
  });

  it("counts exactly up to the limit and says 'about' above it", async () => {
    const org = await makeOrg();
    const tag = uid();
    // Set-based: 10,050 members without going through the factory one by one.
    await db.$executeRawUnsafe(
      `with u as (
         insert into "User" (id, email, name, source, status, "createdAt", "updatedAt")
         select gen_random_uuid(), 'bulk${tag}-' || i || '@bulk.example', 'Bulk ' || i, 'LOCAL', 'ACTIVE',
           now(), now()
         from generate_series(1, 10050) i returning id)
       insert into "Membership" (id, "userId", "organizationId", roles, "planId", "createdAt")
       select gen_random_uuid(), u.id, $1::uuid, array['ORIGINATOR']::"Role"[], o."defaultPlanId", now()
       from u, "Organization" o where o.id = $1::uuid`,
      org.id,
    );
    await db.$executeRawUnsafe(`analyze "Membership"`);
    const all = await listOrgUsers(org.id, { page: 1 });
    expect(all.total.exact).toBe(false);
    expect(all.total.count).toBeGreaterThan(EXACT_COUNT_LIMIT);
    expect(all.rows).toHaveLength(25);
    const some = await listOrgUsers(org.id, { q: `BULK${tag}-1005`, page: 1 });
    expect(some.total).toEqual({ count: 2, exact: true }); // -1005 and -10050
  });
});

describe("roles granted by platform administrators", () => {
  it("grants and revokes the org-administrator role, also to a directory user, with audit", async () => {
    const org = await makeOrg();
    const dirUser = await makeUser({ source: "DIRECTORY" });
    await grantOrgAdmin(null, dirUser.id, org.id);
    expect(
      (await db.membership.findFirstOrThrow({ where: { userId: dirUser.id, organizationId: org.id } })).roles,
    ).toContain("ORG_ADMIN");
    await revokeOrgAdmin(null, dirUser.id, org.id);
    expect(await db.membership.count({ where: { userId: dirUser.id, organizationId: org.id } })).toBe(0);
    const actions = (
      await db.auditLog.findMany({ where: { targetId: dirUser.id }, orderBy: { createdAt: "asc" } })
    ).map((a) => a.action);
    expect(actions).toEqual(["role.grant-org-admin", "role.revoke-org-admin"]);
  });

  it("never removes the last platform administrator, even with two revocations at once", async () => {
    // Make every existing platform administrator inactive for this test's view, then restore.
    const before = await db.user.findMany({
      where: { isPlatformAdmin: true, status: "ACTIVE" },
      select: { id: true },
    });
    await db.user.updateMany({
      where: { id: { in: before.map((u) => u.id) } },
      data: { status: "DISABLED" },
    });
    try {
      const one = await makeUser({ platformAdmin: true });
      const two = await makeUser({ platformAdmin: true });
      const results = await Promise.allSettled([
        setPlatformAdmin(null, one.id, false),
        setPlatformAdmin(null, two.id, false),
      ]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
      expect(rejected.reason.message).toBe("The last platform administrator cannot be removed.");
      expect(await db.user.count({ where: { id: { in: [one.id, two.id] }, isPlatformAdmin: true } })).toBe(1);
    } finally {
      await db.user.updateMany({
        where: { id: { in: before.map((u) => u.id) } },
        data: { status: "ACTIVE" },
      });
    }
  });
});

describe("own password", () => {
  it("needs the current password and ends older sessions", async () => {
    const user = await makeUser();
    await expect(changeOwnPassword(user.id, "wrong-password", "a-brand-new-password")).rejects.toMatchObject({
      fieldErrors: { currentPassword: expect.any(String) },
    });
    await changeOwnPassword(user.id, user.password, "a-brand-new-password");
    const after = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(await verifyPassword(after.passwordHash, "a-brand-new-password")).toBe(true);
    expect(after.passwordChangedAt!.getTime()).toBeGreaterThan(Date.now() - 10_000);
  });

  it("is refused for directory users", async () => {
    const user = await makeUser({ source: "DIRECTORY" });
    await expect(changeOwnPassword(user.id, user.password, "a-brand-new-password")).rejects.toThrow(
      /managed by your directory/,
    );
  });
});
