import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { encryptSecret } from "@/lib/crypto";
import { PRESETS } from "@/lib/directory/presets";
import { testConnection, type MappingConfig } from "@/lib/directory/test-connection";
import { syncConnection } from "@/lib/sync/engine";
import { authenticate } from "@/lib/auth/sign-in";
import { freePort, silentListener, startSlapd, type Slapd } from "@/test/ldap/slapd";
import { makeOrg, uid, verifyDomain } from "@/test/factories";

// Several Server URLs: a refused primary (a closed port) and a black-holed one (accepts TCP, never answers),
// then a real slapd. Test connection, a sync and a sign-in all get through to the slapd; the black hole costs
// about one Server Timeout.
const TIMEOUT = 1000;

let slapd: Slapd;
let other: Slapd;
let hole: Awaited<ReturnType<typeof silentListener>>;
let refused: string;
let blackHole: string;
const domain = `fo${uid()}.example`;

beforeAll(async () => {
  [slapd, other, hole] = await Promise.all([
    startSlapd({
      users: [
        { uid: "ada", cn: "Ada Lovelace", mail: `ada@${domain}`, password: "Ada-pw-1" },
        { uid: "bea", cn: "Bea Brown", mail: `bea@${domain}`, password: "Bea-pw-1" },
      ],
    }),
    startSlapd(),
    silentListener(),
  ]);
  refused = `ldap://127.0.0.1:${await freePort()}`;
  blackHole = `ldap://127.0.0.1:${hole.port}`;
}, 60_000);
afterAll(async () => {
  await Promise.all([slapd?.stop(), other?.stop(), hole?.close()]);
});

function config(serverUrl: string, overrides: Partial<MappingConfig> = {}): MappingConfig {
  return {
    serverUrl,
    serverTimeout: TIMEOUT,
    managerDn: slapd.managerDn,
    managerPassword: slapd.managerPassword,
    baseDn: `ou=people,${slapd.baseDn}`,
    startTls: false,
    caCertificate: null,
    ...PRESETS.OPENLDAP,
    ...overrides,
  };
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await fn();
  return { value, ms: Date.now() - started };
}

describe("failover across several Server URLs", () => {
  it("Test connection says which host answered and names the ones that failed", async () => {
    const { value: result, ms } = await timed(() =>
      testConnection(config(`${refused} ${blackHole}\n${slapd.url}`)),
    );
    expect(result.ok).toBe(true);
    expect(result.message).toContain(`Connected to ${slapd.url} (OpenLDAP) after ${refused}, ${blackHole}`);
    expect(result.message).toContain("2 entries match");
    expect(result.answeredBy).toBe(slapd.url);
    expect(result.failedHosts?.map((f) => f.url)).toEqual([refused, blackHole]);
    expect(result.failedHosts?.[0].message).toMatch(/Connection refused/);
    expect(result.failedHosts?.[1].message).toContain(`${TIMEOUT} ms`);
    // The refused port answers at once; the black hole takes one Server Timeout, not one per step.
    expect(ms).toBeGreaterThanOrEqual(TIMEOUT - 50);
    expect(ms).toBeLessThan(2 * TIMEOUT + 500);
  });

  it("names every host when none answers", async () => {
    const result = await testConnection(config(`${refused} ${blackHole}`));
    expect(result).toMatchObject({ ok: false, kind: "timeout", step: "connect" });
    expect(result.message).toContain("None of the 2 servers answered.");
    expect(result.message).toContain(`${refused}: Connection refused`);
    expect(result.message).toContain(`${blackHole}: No answer`);
  });

  it("does not fail over on the directory's answer: a wrong password is not retried elsewhere", async () => {
    // `other` refuses slapd's manager password; slapd itself, next in the list, would accept it.
    const wrong = await testConnection(config(`${other.url} ${slapd.url}`));
    expect(wrong).toMatchObject({ ok: false, kind: "invalid-credentials", step: "bind" });
    const noBase = await testConnection(
      config(`${slapd.url} ${other.url}`, { baseDn: `ou=nowhere,${slapd.baseDn}` }),
    );
    expect(noBase).toMatchObject({ ok: false, kind: "base-dn-not-found" });
  });

  it("syncs and signs in through the second URL, the black hole costing one Server Timeout", async () => {
    const org = await makeOrg();
    await verifyDomain(org, domain);
    const connection = await db.ldapConnection.create({
      data: {
        organizationId: org.id,
        name: "Failover",
        preset: "OPENLDAP",
        serverUrl: `${blackHole} ${refused} ${slapd.url}`,
        serverTimeout: TIMEOUT,
        managerDn: slapd.managerDn,
        managerPasswordEnc: encryptSecret(slapd.managerPassword),
        baseDn: `ou=people,${slapd.baseDn}`,
        domain,
        ...PRESETS.OPENLDAP,
      },
      select: { id: true },
    });
    const sync = await timed(() => syncConnection(connection.id, { trigger: "MANUAL" }));
    expect(sync.value).toMatchObject({ status: "SUCCEEDED", counts: { entriesRead: 2, created: 2 } });
    expect(sync.ms).toBeLessThan(2 * TIMEOUT + 2000);

    const first = await timed(() => authenticate(`ada@${domain}`, "Ada-pw-1", "10.7.0.1"));
    expect(first.value).not.toBeNull();
    expect(first.ms).toBeLessThan(2 * TIMEOUT + 1000);
    // The reused manager connection and the user's bind both go to the host that answered: no more waits.
    const second = await timed(() => authenticate(`bea@${domain}`, "Bea-pw-1", "10.7.0.1"));
    expect(second.value).not.toBeNull();
    expect(second.ms).toBeLessThan(TIMEOUT);
    expect(await authenticate(`bea@${domain}`, "wrong", "10.7.0.2")).toBeNull();
  });
});
