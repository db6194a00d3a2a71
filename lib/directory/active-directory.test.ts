import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testConnection, type MappingConfig } from "@/lib/directory/test-connection";
import { PRESETS } from "@/lib/directory/presets";
import { startSambaDc, type SambaDc } from "@/test/ldap/samba";
import { db } from "@/lib/db";
import { encryptSecret } from "@/lib/crypto";
import { syncConnection } from "@/lib/sync/engine";
import { makeOrg, verifyDomain } from "@/test/factories";

let dc: SambaDc;
beforeAll(async () => {
  dc = await startSambaDc({
    users: [
      {
        name: "alice",
        password: "Alice-Passw0rd!",
        mail: "alice@corp.example.com",
        givenName: "Alice",
        surname: "Anders",
      },
      { name: "bob", password: "Bob-Passw0rd!", mail: "bob@corp.example.com", disabled: true },
      { name: "carol", password: "Carol-Passw0rd!", mail: "carol@corp.example.com" },
      { name: "dave", password: "Dave-Passw0rd!", mail: "dave@corp.example.com" },
    ],
  });
  // userAccountControl 66050 (disabled, password never expires) and 66048 (enabled, never expires).
  dc.tool("user", "setexpiry", "carol", "--noexpiry");
  dc.tool("user", "disable", "carol");
  dc.tool("user", "setexpiry", "dave", "--noexpiry");
}, 120_000);
afterAll(async () => dc?.stop());

function config(overrides: Partial<MappingConfig> = {}): MappingConfig {
  return {
    serverUrl: dc.url,
    serverTimeout: 5000,
    managerDn: dc.adminUpn,
    managerPassword: dc.adminPassword,
    baseDn: dc.baseDn,
    startTls: false,
    caCertificate: null,
    ...PRESETS.ACTIVE_DIRECTORY,
    ...overrides,
  };
}

describe("Test connection against a real Samba Active Directory domain controller", () => {
  // userAccountControl is read as a bit mask.
  it("finds the users with the Active Directory preset and hints at the Global Catalog", async () => {
    const result = await testConnection(config());
    expect(result).toMatchObject({ ok: true });
    if (!result.ok) return;
    expect(result.server.activeDirectory).toBe(true);
    expect(result.server.vendor).toContain("Active Directory");
    expect(result.server.pagedResults).toBe(true);
    // Administrator, Guest, krbtgt, alice and bob are all persons.
    expect(result.count).toBeGreaterThanOrEqual(5);
    // A search from the domain root returns referrals to the Configuration partition: ignored, with a hint.
    expect(result.hints.join(" ")).toContain("Global Catalog");

    const people = await testConnection(
      config({ syncFilter: "(&(objectClass=user)(objectCategory=person)(mail=*))" }),
    );
    expect(people).toMatchObject({ ok: true, count: 4 });
    if (!people.ok) return;
    expect(people.samples.find((s) => s.accountName === "bob")).toMatchObject({
      disabled: true,
      email: "bob@corp.example.com",
      userPrincipalName: "bob@corp.example.com",
    });
    expect(people.samples.find((s) => s.accountName === "alice")).toMatchObject({
      disabled: false,
      email: "alice@corp.example.com",
      fullName: "Alice Anders",
    });
  });

  it("reads the 52e sub-code of a wrong password", async () => {
    const result = await testConnection(config({ managerPassword: "Wrong-Passw0rd!" }));
    expect(result).toMatchObject({
      ok: false,
      kind: "invalid-credentials",
      message: "Invalid credentials: the password is wrong (52e).",
    });
  });

  it("reads the 525 or 52e sub-code of an unknown manager", async () => {
    const result = await testConnection(config({ managerDn: "nobody@corp.example.com" }));
    expect(result).toMatchObject({ ok: false, kind: "invalid-credentials" });
    expect(result.message).toMatch(/\((525|52e)\)/);
  });

  it("refuses a disabled account's bind with sub-code 533", async () => {
    const result = await testConnection(
      config({ managerDn: "bob@corp.example.com", managerPassword: "Bob-Passw0rd!" }),
    );
    expect(result).toMatchObject({
      ok: false,
      kind: "invalid-credentials",
      message: "Invalid credentials: the account is disabled (533).",
    });
  });
});

describe("synchronisation from a real Samba Active Directory", () => {
  // Incremental syncs read only changes, by uSNChanged.
  it("syncs: userAccountControl bit mask, objectGUID as a string, referrals ignored", async () => {
    const org = await makeOrg();
    await verifyDomain(org, "corp.example.com");
    const conn = await db.ldapConnection.create({
      data: {
        organizationId: org.id,
        name: "Corp AD",
        preset: "ACTIVE_DIRECTORY",
        serverUrl: dc.url,
        serverTimeout: 5000,
        managerDn: dc.adminUpn,
        managerPasswordEnc: encryptSecret(dc.adminPassword),
        baseDn: dc.baseDn,
        domain: "corp.example.com",
        ...PRESETS.ACTIVE_DIRECTORY,
        syncFilter: "(&(objectClass=user)(objectCategory=person)(mail=*))",
      },
    });
    const first = await syncConnection(conn.id, { trigger: "MANUAL" });
    expect(first).toMatchObject({ status: "SUCCEEDED", counts: { created: 4 } });
    const users = await db.user.findMany({
      where: { connectionId: conn.id },
      select: {
        accountName: true,
        status: true,
        directoryId: true,
        directoryStatus: true,
        userPrincipalName: true,
      },
    });
    const by = Object.fromEntries(users.map((u) => [u.accountName, u]));
    expect(by.alice).toMatchObject({
      status: "ACTIVE",
      directoryStatus: "512",
      userPrincipalName: "alice@corp.example.com",
    });
    expect(by.bob).toMatchObject({ status: "DISABLED", directoryStatus: "514" });
    expect(by.carol).toMatchObject({ status: "DISABLED", directoryStatus: "66050" });
    expect(by.dave).toMatchObject({ status: "ACTIVE", directoryStatus: "66048" });
    // objectGUID, read as binary, in the form Windows shows.
    const guid = dc
      .tool("user", "show", "alice", "--attributes=objectGUID")
      .match(/objectGUID: ([0-9a-f-]{36})/)![1];
    expect(by.alice.directoryId).toBe(guid);
    expect((await db.ldapConnection.findUniqueOrThrow({ where: { id: conn.id } })).highWaterMark).toMatch(
      /^\d+$/,
    );

    // The Global Catalog port works as a Server URL too.
    const gc = await testConnection(
      config({
        serverUrl: `ldap://${dc.address}:3268`,
        syncFilter: "(&(objectClass=user)(objectCategory=person)(mail=*))",
      }),
    );
    expect(gc).toMatchObject({ ok: true, count: 4 });

    dc.tool("user", "disable", "dave");
    const incremental = await syncConnection(conn.id, { trigger: "CRON" });
    expect(incremental.kind).toBe("INCREMENTAL");
    expect(incremental.counts.entriesRead).toBe(1);
    expect(
      (await db.user.findFirstOrThrow({ where: { connectionId: conn.id, accountName: "dave" } })).status,
    ).toBe("DISABLED");

    // A full sync now lists objectGUID and uSNChanged only, and reads in full just what changed.
    await db.ldapConnection.update({ where: { id: conn.id }, data: { debugLogging: true } });
    dc.tool("user", "enable", "dave");
    const since = new Date();
    const full = await syncConnection(conn.id, { trigger: "MANUAL", full: true });
    expect(full).toMatchObject({
      status: "SUCCEEDED",
      kind: "FULL",
      counts: { entriesRead: 4, unchanged: 3, reenabled: 1, disabled: 0 },
    });
    const logged = async (message: string) =>
      db.logEntry.count({ where: { connectionId: conn.id, message, createdAt: { gte: since } } });
    expect([await logged("list"), await logged("page")]).toEqual([1, 0]);
    expect(
      (await db.user.findFirstOrThrow({ where: { connectionId: conn.id, accountName: "dave" } })).status,
    ).toBe("ACTIVE");
  });
});
