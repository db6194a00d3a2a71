import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testConnection, type MappingConfig } from "@/lib/directory/test-connection";
import { PRESETS } from "@/lib/directory/presets";
import { startSambaDc, type SambaDc } from "@/test/ldap/samba";

let dc: SambaDc;
beforeAll(async () => {
  dc = await startSambaDc({
    users: [
      { name: "alice", password: "Alice-Passw0rd!", mail: "alice@corp.example.com", givenName: "Alice", surname: "Anders" },
      { name: "bob", password: "Bob-Passw0rd!", mail: "bob@corp.example.com", disabled: true },
    ],
  });
}, 120_000);
afterAll(async () => dc?.stop());

function config(overrides: Partial<MappingConfig> = {}): MappingConfig {
  return {
    serverUrl: dc.url, serverTimeout: 5000, managerDn: dc.adminUpn, managerPassword: dc.adminPassword, baseDn: dc.baseDn,
    startTls: false, caCertificate: null, ...PRESETS.ACTIVE_DIRECTORY, ...overrides,
  };
}

describe("Test connection against a real Samba Active Directory domain controller", () => {
  it("finds the users with the Active Directory preset, reads userAccountControl as a bit mask, and hints at the Global Catalog", async () => {
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

    const people = await testConnection(config({ syncFilter: "(&(objectClass=user)(objectCategory=person)(mail=*))" }));
    expect(people).toMatchObject({ ok: true, count: 2 });
    if (!people.ok) return;
    expect(people.samples.find((s) => s.accountName === "bob")).toMatchObject({ disabled: true, email: "bob@corp.example.com", userPrincipalName: "bob@corp.example.com" });
    expect(people.samples.find((s) => s.accountName === "alice")).toMatchObject({ disabled: false, email: "alice@corp.example.com", fullName: "Alice Anders" });
  });

  it("reads the 52e sub-code of a wrong password", async () => {
    const result = await testConnection(config({ managerPassword: "Wrong-Passw0rd!" }));
    expect(result).toMatchObject({ ok: false, kind: "invalid-credentials", message: "Invalid credentials: the password is wrong (52e)." });
  });

  it("reads the 525 or 52e sub-code of an unknown manager", async () => {
    const result = await testConnection(config({ managerDn: "nobody@corp.example.com" }));
    expect(result).toMatchObject({ ok: false, kind: "invalid-credentials" });
    expect(result.message).toMatch(/\((525|52e)\)/);
  });

  it("refuses a disabled account's bind with sub-code 533", async () => {
    const result = await testConnection(config({ managerDn: "bob@corp.example.com", managerPassword: "Bob-Passw0rd!" }));
    expect(result).toMatchObject({ ok: false, kind: "invalid-credentials", message: "Invalid credentials: the account is disabled (533)." });
  });
});
