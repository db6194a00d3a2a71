import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { authenticate } from "@/lib/auth/sign-in";
import { syncConnection } from "@/lib/sync/engine";
import {
  createDomain,
  lockoutRisk,
  findMigrationCandidates,
  migrateAccounts,
  saveAdvanced,
  saveDirectoryService,
  testDirectoryService,
} from "@/lib/domains/service";
import { startSlapd, type Slapd } from "@/test/ldap/slapd";
import { makeOrg, uid, verifyDomain } from "@/test/factories";

// Apple Open Directory style: people under cn=users,dc=…, inetOrgPerson entries with uid and mail.
describe("a domain mapped from an Open Directory style slapd", () => {
  let slapd: Slapd;
  const label = `od${uid()}`;
  const domain = `${label}.example`;
  const base = `dc=${label},dc=example`;

  beforeAll(async () => {
    const people = [
      ["olive", "Olive Oak"],
      ["otto", "Otto Orr"],
    ]
      .map(
        ([u, cn]) =>
          `dn: uid=${u},cn=users,${base}\nobjectClass: top\nobjectClass: person\nobjectClass: ` +
          `organizationalPerson\nobjectClass: inetOrgPerson\nuid: ${u}\ncn: ${cn}\nsn: ` +
          `${cn.split(" ")[1]}\nmail: ${u}@${domain}\nuserPassword: ${u}-Passw0rd`,
      )
      .join("\n\n");
    slapd = await startSlapd({
      baseDn: base,
      extraLdif: `dn: cn=users,${base}\nobjectClass: organizationalRole\ncn: users\n\n${people}`,
    });
  }, 60_000);
  afterAll(async () => slapd?.stop());

  it("tests, saves, synchronises; people sign in as NT\\name, name@domain and by email", async () => {
    const org = await makeOrg();
    const ctx = { actorId: null, organizationId: org.id };
    const { id } = await createDomain(ctx, domain);
    // The domain and the other address Otto used locally are both this organisation's (verified).
    await verifyDomain(org, domain);
    await verifyDomain(org, "elsewhere.example");
    expect((await db.domain.findUniqueOrThrow({ where: { id } })).kerberosRealm).toBe(domain.toUpperCase());
    await saveAdvanced(ctx, id, {
      kerberosRealm: domain.toUpperCase(),
      pamServiceName: "",
      ntDomain: label.toUpperCase(),
      bindIpAddress: "",
    });
    // A platform administrator approves the NT name: only then does NT\name route here.
    await db.domain.update({ where: { id }, data: { ntDomainApprovedAt: new Date() } });
    const values = {
      mappingEnabled: true,
      directoryType: "OPEN_DIRECTORY" as const,
      hostname: slapd.url.replace("ldap://", ""),
      username: slapd.managerDn,
      password: slapd.managerPassword,
      useLdaps: false,
    };
    const test = await testDirectoryService(ctx, id, values);
    expect(test).toMatchObject({ ok: true, count: 2 });
    await saveDirectoryService(ctx, id, values);
    const saved = await db.domain.findUniqueOrThrow({ where: { id }, include: { connection: true } });
    expect(saved.connection).toMatchObject({
      baseDn: `cn=users,${base}`,
      preset: "OPEN_DIRECTORY",
      accountNameField: "uid",
      emailField: "mail",
      enabled: true,
    });

    // Migration: a local account whose account name matches an entry becomes a directory account, files kept.
    const planId = (await db.organization.findUniqueOrThrow({ where: { id: org.id } })).defaultPlanId;
    const localOtto = await db.user.create({
      data: {
        email: `otto.local-${label}@elsewhere.example`,
        name: "Otto Local",
        accountName: "otto",
        source: "LOCAL",
        passwordHash: "x",
        memberships: { create: { organizationId: org.id, roles: ["ORIGINATOR", "ORG_ADMIN"], planId } },
      },
    });
    await db.file.create({
      data: {
        organizationId: org.id,
        ownerId: localOtto.id,
        name: "kept.txt",
        sizeBytes: 1n,
        mimeType: "text/plain",
        storageKey: `k-${label}`,
      },
    });
    const candidates = await findMigrationCandidates(ctx, id);
    expect(candidates).toEqual([
      expect.objectContaining({
        userId: localOtto.id,
        matchedBy: "account name",
        dn: `uid=otto,cn=users,${base}`,
        files: 1,
      }),
    ]);
    expect(await migrateAccounts(ctx, id, [localOtto.id])).toEqual({ migrated: 1 });
    const migrated = await db.user.findUniqueOrThrow({
      where: { id: localOtto.id },
      include: { memberships: true, files: true },
    });
    expect(migrated).toMatchObject({
      source: "DIRECTORY",
      connectionId: saved.connectionId,
      passwordHash: null,
      email: `otto@${domain}`,
    });
    expect(migrated.memberships[0].roles).toEqual(["ORIGINATOR", "ORG_ADMIN"]);
    expect(migrated.files).toHaveLength(1);

    const outcome = await syncConnection(saved.connectionId!, { trigger: "MANUAL" });
    // Olive is new; Otto is the migrated account, found by its email.
    expect(outcome.counts.created).toBe(1);
    expect(await db.user.findUniqueOrThrow({ where: { id: localOtto.id } })).toMatchObject({
      status: "ACTIVE",
      source: "DIRECTORY",
    });
    const olive = await db.user.findUniqueOrThrow({ where: { email: `olive@${domain}` } });
    expect(await authenticate(`${label.toUpperCase()}\\olive`, "olive-Passw0rd", "10.7.0.1")).toBe(olive.id);
    expect(await authenticate(`olive@${domain}`, "olive-Passw0rd", "10.7.0.2")).toBe(olive.id);
    expect(await authenticate(`${label.toUpperCase()}\\olive`, "wrong", "10.7.0.3")).toBeNull();

    // The lock-out warning: no local administrator (Otto, the only one, now comes from the directory) and the
    // built-in admin turned off.
    const before = process.env.ADMIN_ENABLED;
    try {
      process.env.ADMIN_ENABLED = "false";
      expect(await lockoutRisk(org.id)).toBe(true);
      process.env.ADMIN_ENABLED = "true";
      expect(await lockoutRisk(org.id)).toBe(false);
      process.env.ADMIN_ENABLED = "false";
      await db.user.create({
        data: {
          email: `local-admin-${label}@x.example`,
          name: "Local Admin",
          source: "LOCAL",
          memberships: { create: { organizationId: org.id, roles: ["ORG_ADMIN"], planId } },
        },
      });
      expect(await lockoutRisk(org.id)).toBe(false);
    } finally {
      if (before === undefined) delete process.env.ADMIN_ENABLED;
      else process.env.ADMIN_ENABLED = before;
    }

    // Turning mapping off disables the connection and keeps it; the password is kept when left empty.
    await saveDirectoryService(ctx, id, { ...values, mappingEnabled: false, password: "" });
    expect((await db.ldapConnection.findUniqueOrThrow({ where: { id: saved.connectionId! } })).enabled).toBe(
      false,
    );
    await saveDirectoryService(ctx, id, { ...values, password: "" });
    expect((await db.ldapConnection.findUniqueOrThrow({ where: { id: saved.connectionId! } })).enabled).toBe(
      true,
    );
  });
});
