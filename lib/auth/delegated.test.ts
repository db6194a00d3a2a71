import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { encryptSecret } from "@/lib/crypto";
import { PRESETS } from "@/lib/directory/presets";
import { authenticate as signIn } from "@/lib/auth/sign-in";
import { TooManyAttemptsError } from "@/lib/auth/rate-limit";
import { startSlapd, type Slapd } from "@/test/ldap/slapd";
import { startSambaDc, type SambaDc } from "@/test/ldap/samba";
import { makeOrg, makeUser, uid, verifyDomain } from "@/test/factories";

// A locked login is a refusal too (the per-account limit counts these deliberate failures).
const authenticate = (login: string, password: string, from: string, host?: string) =>
  signIn(login, password, from, host).catch((e) =>
    e instanceof TooManyAttemptsError ? null : Promise.reject(e),
  );

// Bare names reach a directory only through an address a platform administrator approved for its domain.
const BOUND = "10.1.1.1";

const address = () => `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;

describe("delegated sign-in against a real slapd", () => {
  let slapd: Slapd;
  let org: { id: string; slug: string };
  let domain: string;

  beforeAll(async () => {
    domain = `d${uid()}.example`;
    slapd = await startSlapd({
      users: [
        { uid: "alice", cn: "Alice Anders", mail: `alice@${domain}`, password: "Alice-pw-1" },
        {
          uid: "bob",
          cn: "Bob Brown",
          mail: `bob@${domain}`,
          password: "Bob-pw-1",
          employeeType: "disabled",
        },
        {
          uid: "carol",
          cn: "Carol Contractor",
          mail: `carol@${domain}`,
          password: "Carol-pw-1",
          employeeType: "contractor",
        },
        { uid: "twin", cn: "Twin One", mail: `twin1@${domain}`, password: "Twin-pw-1" },
        { uid: "twin", cn: "Twin Two", mail: `twin2@${domain}`, password: "Twin-pw-1", ou: "others" },
        { uid: "dave", cn: "Dave Dirty", mail: `dave@${domain}`, password: "Dave-pw-1" },
        { uid: "erin", cn: "Erin Early", mail: `erin@${domain}`, password: "Erin-pw-1" },
        { uid: "fred", cn: "Fred Fixed", mail: `fred@${domain}`, password: "Fred-pw-1" },
      ],
    });
    org = await makeOrg();
    const verified = await verifyDomain(org, domain);
    // The platform administrator approved the bound address and the NT name (the first label, in capitals).
    await db.domain.update({
      where: { id: verified.id },
      data: {
        bindIpAddress: BOUND,
        bindIpApprovedAt: new Date(),
        ntDomain: domain.split(".")[0].toUpperCase(),
        ntDomainApprovedAt: new Date(),
      },
    });
    await db.ldapConnection.create({
      data: {
        organizationId: org.id,
        name: "Delegated",
        preset: "OPENLDAP",
        serverUrl: slapd.url,
        serverTimeout: 3000,
        managerDn: slapd.managerDn,
        managerPasswordEnc: encryptSecret(slapd.managerPassword),
        baseDn: slapd.baseDn,
        domain,
        ...PRESETS.OPENLDAP,
        syncFilter: "(&(objectClass=inetOrgPerson)(!(employeeType=contractor)))",
        enabled: false,
      },
    });
  }, 60_000);
  afterAll(async () => slapd?.stop());

  // Creates the account on first sign-in, also through a disabled connection.
  it("signs in by email, account name, DOMAIN\\name and name@domain", async () => {
    const nt = domain.split(".")[0].toUpperCase();
    const id = await authenticate(`alice@${domain}`, "Alice-pw-1", address());
    expect(id).not.toBeNull();
    const user = await db.user.findUniqueOrThrow({
      where: { id: id! },
      include: { memberships: { include: { plan: true } } },
    });
    expect(user).toMatchObject({
      email: `alice@${domain}`,
      source: "DIRECTORY",
      status: "ACTIVE",
      accountName: "alice",
    });
    expect(user.memberships).toMatchObject([
      { organizationId: org.id, roles: ["ORIGINATOR"], plan: { isDefault: true } },
    ]);
    expect(await authenticate("alice", "Alice-pw-1", address(), `${BOUND}:3000`)).toBe(id);
    expect(await authenticate(`${nt}\\alice`, "Alice-pw-1", address())).toBe(id);
    expect(await authenticate(`ALICE@${domain.toUpperCase()}`, "Alice-pw-1", address())).toBe(id);
  });

  it("refuses wrong, empty and hostile input without an error", async () => {
    const logins = [
      "alice",
      `alice@${domain}`,
      "*",
      "*)(uid=*",
      "admin)(|(uid=*",
      "alice)(|(uid=*",
      "alice\u0000",
      "x".repeat(10_000),
      `${"a".repeat(300)}@${domain}`,
    ];
    const passwords = ["wrong", "", " ", "   ", "*", "Alice-pw-1\u0000", "Alice-pw-1 "];
    for (const login of logins) {
      for (const password of [
        ...passwords,
        ...(login.startsWith("alice") && !login.includes(")") && !login.includes("\u0000")
          ? []
          : ["Alice-pw-1"]),
      ]) {
        await expect(authenticate(login, password, address())).resolves.toBeNull();
      }
    }
  });

  // Two entries sharing a name, a disabled entry, and an entry outside the Sync filter; the log says why.
  it("refuses ambiguous, disabled and filtered-out entries, saying why in the log", async () => {
    expect(await authenticate("twin", "Twin-pw-1", address(), BOUND)).toBeNull();
    expect(await authenticate(`bob@${domain}`, "Bob-pw-1", address())).toBeNull();
    expect(await authenticate(`carol@${domain}`, "Carol-pw-1", address())).toBeNull();
    const messages = (
      await db.logEntry.findMany({ where: { organizationId: org.id }, select: { message: true } })
    )
      .map((l) => l.message)
      .join("\n");
    expect(messages).toContain('Sign-in refused for "twin": the Auth filter matches several entries.');
    expect(messages).toMatch(/bob@.*disabled in the directory/);
    expect(messages).toMatch(/carol@.*outside the Sync filter/);
    expect(await db.user.count({ where: { email: { in: [`bob@${domain}`, `carol@${domain}`] } } })).toBe(0);
  });

  it("gives bare names only to the domain whose approved address the console was reached on", async () => {
    // Another organisation binds its domain to 10.20.30.40 without a platform administrator's approval: its
    // connection (which points nowhere) is never asked, and no other directory is asked either.
    const other = await makeOrg();
    const dead = await db.ldapConnection.create({
      data: {
        organizationId: other.id,
        name: "Bound",
        preset: "OPENLDAP",
        serverUrl: "ldap://127.0.0.1:9",
        serverTimeout: 1000,
        managerDn: "cn=x,dc=y",
        managerPasswordEnc: encryptSecret("x"),
        baseDn: "dc=y",
        domain: `bound${uid()}.example`,
        ...PRESETS.OPENLDAP,
      },
    });
    await db.domain.create({
      data: {
        organizationId: other.id,
        name: `bound${uid()}.example`,
        bindIpAddress: "10.20.30.40",
        connectionId: dead.id,
      },
    });
    expect(await signIn("fred", "Fred-pw-1", address(), "10.20.30.40:3000")).toBeNull();
    expect(await signIn("fred", "Fred-pw-1", address(), "localhost:3000")).toBeNull();
    expect(await db.logEntry.count({ where: { connectionId: dead.id } })).toBe(0);
    expect(await signIn("fred", "Fred-pw-1", address(), `${BOUND}:3000`)).not.toBeNull();
  });

  it("refuses an account disabled in the console even when the directory accepts the password", async () => {
    const id = await authenticate(`dave@${domain}`, "Dave-pw-1", address());
    expect(id).not.toBeNull();
    await db.user.update({ where: { id: id! }, data: { status: "PENDING_TRANSFER" } });
    expect(await authenticate(`dave@${domain}`, "Dave-pw-1", address())).toBeNull();
  });

  it("keeps local accounts working when the directory is down, and logs that it is unreachable", async () => {
    const local = await makeUser({ org });
    await slapd.stop();
    expect(await authenticate(`erin@${domain}`, "Erin-pw-1", address())).toBeNull();
    expect(await authenticate(local.email, local.password, address())).toBe(local.id);
    const last = await db.logEntry.findFirst({
      where: { organizationId: org.id, level: "ERROR" },
      orderBy: { createdAt: "desc" },
    });
    expect(last?.message).toContain("directory unreachable");
  });
});

describe("delegated sign-in against a real Samba Active Directory", () => {
  let dc: SambaDc;
  beforeAll(async () => {
    dc = await startSambaDc({
      users: [
        {
          name: "ann",
          password: "Ann-Passw0rd!",
          mail: "ann@corp.example.com",
          givenName: "Ann",
          surname: "Ames",
        },
        { name: "bert", password: "Bert-Passw0rd!", mail: "bert@corp.example.com", disabled: true },
        { name: "cleo", password: "Cleo-Passw0rd!", mail: "cleo@corp.example.com" },
      ],
    });
    dc.tool("user", "setexpiry", "cleo", "--noexpiry");
    dc.tool("user", "disable", "cleo");
    const org = await makeOrg();
    const corp = await verifyDomain(org, "corp.example.com");
    await db.domain.updateMany({
      where: { ntDomain: "CORP" },
      data: { ntDomain: null, ntDomainApprovedAt: null },
    });
    await db.domain.update({
      where: { id: corp.id },
      data: { ntDomain: "CORP", ntDomainApprovedAt: new Date() },
    });
    await db.ldapConnection.create({
      data: {
        organizationId: org.id,
        name: "Corp",
        preset: "ACTIVE_DIRECTORY",
        serverUrl: dc.url,
        serverTimeout: 5000,
        managerDn: dc.adminUpn,
        managerPasswordEnc: encryptSecret(dc.adminPassword),
        baseDn: dc.baseDn,
        domain: "corp.example.com",
        ...PRESETS.ACTIVE_DIRECTORY,
      },
    });
  }, 120_000);
  afterAll(async () => dc?.stop());

  // Refused: wrong passwords and disabled users (514, 66050).
  it("signs in as CORP\\name, name@corp.example.com and by email; refuses what it must", async () => {
    const id = await authenticate("CORP\\ann", "Ann-Passw0rd!", address());
    expect(id).not.toBeNull();
    expect(await authenticate("ann@corp.example.com", "Ann-Passw0rd!", address())).toBe(id);
    // A bare name names no organisation here (no approved bound address): no directory is asked.
    expect(await authenticate("ann", "Ann-Passw0rd!", address())).toBeNull();
    expect(await authenticate("CORP\\ann", "Wrong-Passw0rd!", address())).toBeNull();
    expect(await authenticate("CORP\\ann", "", address())).toBeNull();
    expect(await authenticate("CORP\\bert", "Bert-Passw0rd!", address())).toBeNull();
    expect(await authenticate("cleo@corp.example.com", "Cleo-Passw0rd!", address())).toBeNull();
    const log = (
      await db.logEntry.findMany({ where: { connection: { name: "Corp" } }, select: { message: true } })
    )
      .map((l) => l.message)
      .join("\n");
    expect(log).toContain("the password is wrong (52e)");
    expect(log).toMatch(/bert.*disabled in the directory \(userAccountControl 514\)/);
    expect(log).toMatch(/cleo.*disabled in the directory \(userAccountControl 66050\)/);
  });
});

describe("the reused manager connection after the server closed it", () => {
  it("binds again after an idle timeout and after a restart, so sign-in keeps working", async () => {
    const domain = `idle${uid()}.example`;
    const s = await startSlapd({
      idleTimeoutSeconds: 1,
      users: [{ uid: "ivy", cn: "Ivy Idle", mail: `ivy@${domain}`, password: "Ivy-pw-1" }],
    });
    try {
      const org = await makeOrg();
      await verifyDomain(org, domain);
      await db.ldapConnection.create({
        data: {
          organizationId: org.id,
          name: "Idle",
          preset: "OPENLDAP",
          serverUrl: s.url,
          serverTimeout: 3000,
          managerDn: s.managerDn,
          managerPasswordEnc: encryptSecret(s.managerPassword),
          baseDn: s.baseDn,
          domain,
          ...PRESETS.OPENLDAP,
        },
      });
      const id = await authenticate(`ivy@${domain}`, "Ivy-pw-1", address());
      expect(id).not.toBeNull();
      // slapd closes the idle manager connection; the next sign-in must not search anonymously.
      await new Promise((r) => setTimeout(r, 2500));
      expect(await authenticate(`ivy@${domain}`, "Ivy-pw-1", address())).toBe(id);
      await s.restart();
      expect(await authenticate(`ivy@${domain}`, "Ivy-pw-1", address())).toBe(id);
    } finally {
      await s.stop();
    }
  });
});
