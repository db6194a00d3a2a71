import { execFileSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { encryptSecret } from "@/lib/crypto";
import { PRESETS } from "@/lib/directory/presets";
import { authenticate, PasswordExpiredError } from "@/lib/auth/sign-in";
import { startSambaDc, type SambaDc } from "@/test/ldap/samba";
import { makeOrg, uid, verifyDomain } from "@/test/factories";

// Active Directory's usual case: the Auth filter names the UPN (ada@corp.example.com), people type their mail
// (in another domain). And the directory's answers that prove the password right but refuse the sign-in:
// 532 (expired) and 773 (must change) tell the person to change it; every other refusal reads the same.
const address = () => `10.8.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

const outcome = (login: string, password: string) =>
  authenticate(login, password, address()).then(
    (id) => (id ? "signed in" : "refused"),
    (e) => (e instanceof PasswordExpiredError ? "password expired" : Promise.reject(e)),
  );

describe("sign-in by email and password expiry against a real Samba Active Directory", () => {
  let dc: SambaDc;
  const mail = `m${uid()}.example`;

  beforeAll(async () => {
    dc = await startSambaDc({
      users: [
        { name: "ada", password: "Ada-Passw0rd!", mail: `ada.lovelace@${mail}` },
        { name: "max", password: "Max-Passw0rd!", mail: `max@${mail}` },
        { name: "old", password: "Old-Passw0rd!", mail: `old@${mail}` },
        { name: "gone", password: "Gone-Passw0rd!", mail: `gone@${mail}` },
      ],
    });
    // 773: the password must be changed at the next logon (pwdLastSet 0).
    dc.tool("user", "setpassword", "max", "--newpassword=Max-Passw0rd!", "--must-change-at-next-login");
    // 701: the account itself has expired.
    dc.tool("user", "setexpiry", "gone", "--days=0");
    const org = await makeOrg();
    await verifyDomain(org, mail);
    await db.ldapConnection.create({
      data: {
        organizationId: org.id,
        name: "Corp UPN",
        preset: "ACTIVE_DIRECTORY",
        serverUrl: dc.url,
        serverTimeout: 5000,
        managerDn: dc.adminUpn,
        managerPasswordEnc: encryptSecret(dc.adminPassword),
        baseDn: dc.baseDn,
        domain: "corp.example.com",
        ...PRESETS.ACTIVE_DIRECTORY,
        authFilter: "(userPrincipalName={0})",
      },
    });
  }, 120_000);
  afterAll(async () => dc?.stop());

  it("signs a new person in by their email although the Auth filter names the UPN", async () => {
    expect(await outcome(`ada.lovelace@${mail}`, "Ada-Passw0rd!")).toBe("signed in");
    expect(await db.user.findUnique({ where: { email: `ada.lovelace@${mail}` } })).toMatchObject({
      source: "DIRECTORY",
      accountName: "ada",
    });
    expect(await outcome(`ada.lovelace@${mail}`, "Wrong-Passw0rd!")).toBe("refused");
    // A wildcard or a filter fragment typed as an email finds nobody.
    expect(await outcome(`*@${mail}`, "Ada-Passw0rd!")).toBe("refused");
    expect(await outcome(`ada*)(mail=*@${mail}`, "Ada-Passw0rd!")).toBe("refused");
  });

  it("tells a person whose password must be changed (773) or has expired (532) to change it", async () => {
    expect(await outcome(`max@${mail}`, "Max-Passw0rd!")).toBe("password expired");
    // A wrong password stays a wrong password, whatever the account's state.
    expect(await outcome(`max@${mail}`, "Wrong-Passw0rd!")).toBe("refused");
    // 532: the password was set two days ago and the domain's maximum age is one day. Samba allows only 0 or
    // -1 in pwdLastSet over LDAP, so the test writes the partition's database directly (Samba reads it live).
    const nt = (ms: number) => BigInt(ms) * 10_000n + 116_444_736_000_000_000n;
    const partition = path.join(dc.dir, "private", "sam.ldb.d", `${dc.baseDn.toUpperCase()}.ldb`);
    const modify = (ldif: string) =>
      execFileSync("ldbmodify", ["-H", partition], { input: ldif, stdio: "pipe" });
    modify(`dn: ${dc.baseDn}\nchangetype: modify\nreplace: maxPwdAge\nmaxPwdAge: -864000000001\n`);
    const old = `CN=old,CN=Users,${dc.baseDn}`;
    modify(
      `dn: ${old}\nchangetype: modify\nreplace: pwdLastSet\npwdLastSet: ${nt(Date.now() - 2 * 86_400_000)}\n`,
    );
    expect(await outcome(`old@${mail}`, "Old-Passw0rd!")).toBe("password expired");
    expect(await outcome(`old@${mail}`, "Wrong-Passw0rd!")).toBe("refused");
    const log = (
      await db.logEntry.findMany({ where: { connection: { name: "Corp UPN" } }, select: { message: true } })
    )
      .map((l) => l.message)
      .join("\n");
    expect(log).toContain("the password must be changed before signing in (773)");
    expect(log).toContain("the password has expired (532)");
  });

  it("still reads 'Invalid credentials' for an expired account (701)", async () => {
    expect(await outcome(`gone@${mail}`, "Gone-Passw0rd!")).toBe("refused");
    const log = await db.logEntry.findFirst({
      where: { connection: { name: "Corp UPN" }, message: { contains: "gone@" } },
      orderBy: { createdAt: "desc" },
    });
    expect(log?.message).toContain("(701)");
  });
});
