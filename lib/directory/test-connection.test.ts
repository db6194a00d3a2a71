import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testConnection, type MappingConfig } from "@/lib/directory/test-connection";
import { PRESETS } from "@/lib/directory/presets";
import { silentListener, startSlapd, freePort, type Slapd } from "@/test/ldap/slapd";

let slapd: Slapd;

beforeAll(async () => {
  slapd = await startSlapd({
    users: [
      { uid: "alice", cn: "Alice Anders", mail: "alice@example.com", password: "alice-pw" },
      { uid: "bob", cn: "Bob Brown", mail: "bob@example.com", password: "bob-pw", employeeType: "disabled" },
      ...Array.from({ length: 1200 }, (_, i) => ({
        uid: `bulk${i}`,
        cn: `Bulk ${i}`,
        mail: `bulk${i}@example.com`,
        ou: "bulk",
      })),
    ],
    extraLdif:
      "dn: cn=team,ou=groups,dc=example,dc=com\nobjectClass: groupOfNames\ncn: team\n" +
      "member: uid=alice,ou=people,dc=example,dc=com",
  });
}, 60_000);

afterAll(async () => {
  await slapd?.stop();
});

function config(overrides: Partial<MappingConfig> = {}): MappingConfig {
  return {
    serverUrl: slapd.url,
    serverTimeout: 3000,
    managerDn: slapd.managerDn,
    managerPassword: slapd.managerPassword,
    baseDn: `ou=people,${slapd.baseDn}`,
    startTls: false,
    caCertificate: null,
    ...PRESETS.OPENLDAP,
    ...overrides,
  };
}

describe("Test connection against a real slapd", () => {
  it("binds, counts the sync filter's entries and maps samples with their status", async () => {
    const result = await testConnection(config());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.count).toBe(2);
    expect(result.more).toBe(false);
    expect(result.server.vendor).toBe("OpenLDAP");
    expect(result.server.pagedResults).toBe(true);
    const bob = result.samples.find((s) => s.accountName === "bob");
    expect(bob).toMatchObject({ email: "bob@example.com", fullName: "Bob Brown", disabled: true });
    expect(result.samples.find((s) => s.accountName === "alice")?.disabled).toBe(false);
    expect(result.message).toContain("2 entries match");
  });

  it("stops counting at the cap and says 'more than'", async () => {
    const result = await testConnection(config({ baseDn: slapd.baseDn }));
    expect(result.ok && result.more).toBe(true);
    expect(result.message).toContain("more than 1000 entries match");
  });

  it("says how many groups the group settings find, capped like the user count", async () => {
    const groups = async (overrides: Partial<MappingConfig>) => {
      const result = await testConnection(config({ preset: "OPENLDAP", ...overrides }));
      return result.ok ? result.groups : undefined;
    };
    expect(await groups({ groupBaseDn: slapd.baseDn })).toMatchObject({
      ok: true,
      count: 1,
      message: "1 group matches the Group filter.",
    });
    // Blank Group base DN: the Base DN (ou=people here), which holds no group; the suffix does.
    expect((await groups({ groupBaseDn: "" }))?.message).toBe(
      `No groups under ou=people,${slapd.baseDn}, but ${slapd.baseDn} has group objects (under ` +
        `ou=groups,${slapd.baseDn}, for one): set the Group base DN to where they are.`,
    );
    expect(
      (await groups({ groupBaseDn: slapd.baseDn, groupFilter: "(objectClass=inetOrgPerson)" }))?.message,
    ).toBe("More than 1000 groups match the Group filter.");
  });

  it("says when the Group base DN does not exist or the Group filter misses the directory's groups", async () => {
    expect(
      await (async () => {
        const r = await testConnection(
          config({ preset: "OPENLDAP", groupBaseDn: `ou=nowhere,${slapd.baseDn}` }),
        );
        return r.ok && r.groups;
      })(),
    ).toEqual({
      ok: false,
      message: `The Group base DN ou=nowhere,${slapd.baseDn} does not exist on the server.`,
    });
    const missed = await testConnection(
      config({
        preset: "OPENLDAP",
        groupBaseDn: slapd.baseDn,
        groupFilter: "(objectClass=groupOfUniqueNames)",
      }),
    );
    expect(missed.ok && missed.groups?.message).toBe(
      `The Group filter finds no groups under ${slapd.baseDn}, but the directory has entries of object class ` +
        "groupOfNames there: add them to the Group filter, e.g. (objectClass=groupOfNames).",
    );
  });

  it("says the password is wrong", async () => {
    const result = await testConnection(config({ managerPassword: "wrong" }));
    expect(result).toMatchObject({ ok: false, kind: "invalid-credentials", step: "bind" });
    expect(result.message).toMatch(/^Invalid credentials/);
    expect(result.message).not.toContain("wrong");
  });

  it("says the base DN does not exist", async () => {
    const result = await testConnection(config({ baseDn: `ou=nowhere,${slapd.baseDn}` }));
    expect(result).toMatchObject({ ok: false, kind: "base-dn-not-found", step: "base-dn" });
    expect(result.message).toContain(`ou=nowhere,${slapd.baseDn} does not exist`);
  });

  it("says when nothing matches the sync filter", async () => {
    const result = await testConnection(config({ syncFilter: "(uid=nobody-here)" }));
    expect(result).toMatchObject({ ok: false, kind: "no-entries" });
  });

  it("says the server refused a filter it cannot evaluate", async () => {
    const result = await testConnection(config({ syncFilter: "(unknownAttributeXyz:9.9.9:=x)" }));
    expect(result.ok).toBe(false);
  });

  it("says the connection was refused on a closed port", async () => {
    const port = await freePort();
    const result = await testConnection(config({ serverUrl: `ldap://127.0.0.1:${port}` }));
    expect(result).toMatchObject({ ok: false, kind: "connection-refused", step: "connect" });
    expect(result.message).toContain(`127.0.0.1:${port}`);
  });

  it("says the name could not be resolved", async () => {
    const result = await testConnection(config({ serverUrl: "ldap://no-such-host.invalid" }));
    expect(result).toMatchObject({ ok: false, kind: "name-not-resolved" });
  });

  it("respects Server Timeout against a listener that never answers", async () => {
    const silent = await silentListener();
    try {
      const started = Date.now();
      const result = await testConnection(
        config({ serverUrl: `ldap://127.0.0.1:${silent.port}`, serverTimeout: 800 }),
      );
      expect(result).toMatchObject({ ok: false, kind: "timeout" });
      expect(result.message).toContain("800 ms");
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await silent.close();
    }
  });

  it("trusts ldaps:// with the CA given, and says the certificate is not trusted without it", async () => {
    const trusted = await testConnection(
      config({ serverUrl: slapd.ldapsUrl, caCertificate: slapd.certs.caPem }),
    );
    expect(trusted.ok).toBe(true);
    const untrusted = await testConnection(config({ serverUrl: slapd.ldapsUrl }));
    expect(untrusted).toMatchObject({ ok: false, kind: "certificate" });
    expect(untrusted.message).toMatch(/certificate is not trusted: .*CA/);
    const wrongCa = await testConnection(
      config({ serverUrl: slapd.ldapsUrl, caCertificate: slapd.certs.otherCaPem }),
    );
    expect(wrongCa).toMatchObject({ ok: false, kind: "certificate" });
  });

  it("upgrades ldap:// with StartTLS", async () => {
    const result = await testConnection(config({ startTls: true, caCertificate: slapd.certs.caPem }));
    expect(result.ok).toBe(true);
    const untrusted = await testConnection(config({ startTls: true }));
    expect(untrusted).toMatchObject({ ok: false, kind: "certificate" });
  });
});
