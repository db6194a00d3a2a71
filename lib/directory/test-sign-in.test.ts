import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { encryptSecret } from "@/lib/crypto";
import { PRESETS } from "@/lib/directory/presets";
import { testSignIn, type SignInTestInput } from "@/lib/directory/test-sign-in";
import { testSignInValues } from "@/lib/connections/service";
import type { ConnectionValues } from "@/lib/connections/schema";
import { startSlapd, type Slapd } from "@/test/ldap/slapd";
import { makeOrg, makeUser, uid, verifyDomain } from "@/test/factories";

// "Test sign-in" runs the sign-in's own steps and reports each; nothing is stored, the password never echoed.
describe("Test sign-in against a real slapd", () => {
  let s: Slapd;
  let org: { id: string; slug: string };
  let connectionId: string;
  const domain = `ts${uid()}.example`;

  beforeAll(async () => {
    s = await startSlapd({
      users: [
        { uid: "ada", cn: "Ada Lovelace", mail: `ada@${domain}`, password: "Ada-pw-1" },
        { uid: "bob", cn: "Bob Off", mail: `bob@${domain}`, password: "Bob-pw-1", employeeType: "disabled" },
        { uid: "eve", cn: "Eve Elsewhere", mail: "eve@elsewhere.example", password: "Eve-pw-1" },
      ],
    });
    org = await makeOrg();
    await verifyDomain(org, domain);
    const connection = await db.ldapConnection.create({
      data: {
        organizationId: org.id,
        name: "Sign-in test",
        preset: "OPENLDAP",
        serverUrl: s.url,
        serverTimeout: 3000,
        managerDn: s.managerDn,
        managerPasswordEnc: encryptSecret(s.managerPassword),
        baseDn: s.baseDn,
        domain,
        ...PRESETS.OPENLDAP,
      },
      select: { id: true },
    });
    connectionId = connection.id;
  }, 60_000);
  afterAll(async () => s?.stop());

  const input = (login: string, password: string): SignInTestInput => ({
    organizationId: org.id,
    connectionId,
    config: {
      preset: "OPENLDAP",
      serverUrl: s.url,
      serverTimeout: 3000,
      managerDn: s.managerDn,
      managerPassword: s.managerPassword,
      baseDn: s.baseDn,
      startTls: false,
      ...PRESETS.OPENLDAP,
    },
    login,
    password,
  });
  const names = (r: { steps: { name: string; ok: boolean | null }[] }) =>
    r.steps.map((st) => `${st.name}: ${st.ok === null ? "skipped" : st.ok ? "ok" : "failed"}`);

  it("shows every step of a correct sign-in and its mapped fields, and stores nothing", async () => {
    const result = await testSignIn(input(`ada@${domain}`, "Ada-pw-1"));
    expect(result.ok).toBe(true);
    expect(names(result)).toEqual([
      "Route the login: ok",
      "Bind as the manager: ok",
      "Search with the Auth filter: ok",
      "Entry found: ok",
      "Status: ok",
      "Sync filter: ok",
      "Organisation: ok",
      "Groups: ok",
      "Bind as the user: ok",
    ]);
    const search = result.steps.find((st) => st.name === "Search with the Auth filter")!;
    expect(search.detail).toContain(`(|(|(mail=ada@${domain})(uid=ada@${domain}))(mail=ada@${domain}))`);
    expect(result.steps.find((st) => st.name === "Entry found")?.detail).toBe(s.userDn("ada"));
    expect(result.fields).toEqual({
      email: `ada@${domain}`,
      fullName: "Ada Lovelace",
      accountName: "ada",
      userPrincipalName: `ada@${domain}`,
    });
    expect(JSON.stringify(result)).not.toContain("Ada-pw-1");
    expect(await db.user.count({ where: { email: `ada@${domain}` } })).toBe(0);
    expect(await db.logEntry.count({ where: { connectionId } })).toBe(0);
  });

  it("says the directory refused a wrong password, at the user's bind", async () => {
    const result = await testSignIn(input("ada", "wrong-pw"));
    expect(result.ok).toBe(false);
    expect(result.steps.at(-1)).toMatchObject({ name: "Bind as the user", ok: false });
    expect(result.steps.at(-1)?.detail).toMatch(/^Invalid credentials/);
    expect(JSON.stringify(result)).not.toContain("wrong-pw");
  });

  it("never sends the password for a disabled entry, or one outside the organisation's domains", async () => {
    const bob = await testSignIn(input(`bob@${domain}`, "Bob-pw-1"));
    expect(names(bob)).toContain("Status: failed");
    expect(names(bob).at(-1)).toBe("Bind as the user: skipped");
    const eve = await testSignIn(input("eve", "Eve-pw-1"));
    expect(eve.steps.find((st) => st.name === "Organisation")).toMatchObject({
      ok: false,
      detail: "eve@elsewhere.example is not in a verified domain of this organisation.",
    });
    expect(names(eve).at(-1)).toBe("Bind as the user: skipped");
    // An email in a domain that is not this organisation's never reaches the directory at all.
    const routed = await testSignIn(input("eve@elsewhere.example", "Eve-pw-1"));
    expect(names(routed)).toEqual(["Route the login: failed"]);
    const nobody = await testSignIn(input(`*)(uid=*`, "x"));
    expect(nobody.steps.find((st) => st.name === "Search with the Auth filter")?.detail).toContain(
      "\\2a\\29\\28uid=\\2a",
    );
  });

  it("limits each administrator's tests, so that it is no password-guessing oracle", async () => {
    const admin = await makeUser({ org });
    const ctx = { actorId: admin.id, organizationId: org.id };
    const connection = {
      ...input("x", "y").config,
      name: "Sign-in test",
      preset: "OPENLDAP",
      managerPassword: "",
      domain,
      caCertificate: "",
    } as ConnectionValues;
    const attempt = () =>
      testSignInValues(ctx, connectionId, { connection, login: "someone@unverified.example", password: "x" });
    for (let i = 0; i < 20; i++) await attempt();
    await expect(attempt()).rejects.toThrow(/Too many sign-in tests/);
    // Another administrator has an allowance of their own.
    const other = await makeUser({ org });
    await expect(
      testSignInValues({ actorId: other.id, organizationId: org.id }, connectionId, {
        connection,
        login: "someone@unverified.example",
        password: "x",
      }),
    ).resolves.toMatchObject({ ok: false });
  });
});
