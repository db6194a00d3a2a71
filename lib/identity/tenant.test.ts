import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { authenticate } from "@/lib/auth/sign-in";
import { TooManyAttemptsError } from "@/lib/auth/rate-limit";
import { syncConnection } from "@/lib/sync/engine";
import { findMigrationCandidates } from "@/lib/domains/service";
import { setUserStatus } from "@/lib/users/service";
import { NotFoundError, UserError } from "@/lib/errors";
import { startSlapd, type Slapd } from "@/test/ldap/slapd";
import { hostilePerson, startHostileDirectory, type HostileDirectory } from "@/test/ldap/hostile";
import { connectTo, makeOrg, makeUser, uid } from "@/test/factories";

// Organisation A (the victim) has verified its domain and syncs its own slapd. Organisation B (the attacker)
// controls a directory that accepts every bind and whose entries claim A's directory users, A's local
// administrator and a platform administrator. Nothing B's directory says may change A's people, sign anybody
// in as them, or receive their passwords.

const signIn = (login: string, password: string, host?: string) =>
  authenticate(login, password, `10.77.${Math.floor(Math.random() * 250)}.1`, host).catch((e) =>
    e instanceof TooManyAttemptsError ? null : Promise.reject(e),
  );

describe("an organisation's directory speaks only for that organisation's people", () => {
  const victimDomain = `victim-${uid()}.example`;
  const attackerDomain = `attacker-${uid()}.example`;
  const victimNt = `VIC${uid().slice(0, 6).toUpperCase()}`;
  let slapd: Slapd;
  let hostile: HostileDirectory;
  let a: { id: string; slug: string };
  let b: { id: string; slug: string };
  let aConnection: { id: string };
  let bConnection: { id: string };
  let aAdmin: { id: string; email: string; password: string };
  let platformAdmin: { id: string; email: string; password: string };
  let bAdmin: { id: string };
  let bDomainId: string;

  beforeAll(async () => {
    slapd = await startSlapd({
      users: [{ uid: "alice", cn: "Alice Victim", mail: `alice@${victimDomain}`, password: "Alice-pw-1" }],
    });
    a = await makeOrg("victim");
    b = await makeOrg("attacker");
    aConnection = await connectTo(slapd, a, { domain: victimDomain });
    const aDomain = await db.domain.findFirstOrThrow({ where: { organizationId: a.id, name: victimDomain } });
    await db.domain.update({
      where: { id: aDomain.id },
      data: { ntDomain: victimNt, ntDomainApprovedAt: new Date() },
    });
    await syncConnection(aConnection.id, { trigger: "MANUAL" });
    aAdmin = await makeUser({ org: a, roles: ["ORG_ADMIN"], emailPrefix: "admin" });
    await db.user.update({ where: { id: aAdmin.id }, data: { email: `admin@${victimDomain}` } });
    aAdmin.email = `admin@${victimDomain}`;
    platformAdmin = await makeUser({ platformAdmin: true, emailPrefix: "root" });
    bAdmin = await makeUser({ org: b, roles: ["ORG_ADMIN"] });
    // A's administrator also received a share from B: a Collaborator membership in B.
    await db.membership.create({
      data: {
        userId: aAdmin.id,
        organizationId: b.id,
        roles: ["COLLABORATOR"],
        planId: (await db.organization.findUniqueOrThrow({ where: { id: b.id } })).defaultPlanId,
      },
    });
    const base = "dc=attacker,dc=example";
    hostile = await startHostileDirectory(base, [
      hostilePerson(base, "alice", `alice@${victimDomain}`),
      hostilePerson(base, "admin", aAdmin.email),
      hostilePerson(base, "root", platformAdmin.email),
      hostilePerson(base, "bob", `bob@${attackerDomain}`),
    ]);
    // B names A's domain on its connection and claims it (unverified), with A's NT name and a bound address.
    bConnection = await connectTo(
      { url: hostile.url, managerDn: hostile.managerDn, managerPassword: "x", baseDn: base },
      b,
      { domain: attackerDomain },
    );
    await db.ldapConnection.update({ where: { id: bConnection.id }, data: { domain: victimDomain } });
    const claim = await db.domain.create({
      data: {
        organizationId: b.id,
        name: victimDomain,
        ntDomain: victimNt,
        bindIpAddress: "10.66.0.1",
        connectionId: bConnection.id,
      },
    });
    bDomainId = claim.id;
  }, 60_000);
  afterAll(async () => {
    await slapd?.stop();
    await hostile?.stop();
  });

  const accountOf = (email: string) =>
    db.user.findUniqueOrThrow({
      where: { email },
      select: { source: true, connectionId: true, passwordHash: true, status: true, directoryId: true },
    });

  // Nor does it change a platform administrator.
  it("B's sync creates only B's people and changes nothing of A's", async () => {
    const before = await Promise.all([
      accountOf(`alice@${victimDomain}`),
      accountOf(aAdmin.email),
      accountOf(platformAdmin.email),
    ]);
    const outcome = await syncConnection(bConnection.id, { trigger: "MANUAL", full: true });
    expect(outcome.status).toBe("SUCCEEDED");
    expect(outcome.counts.created).toBe(1);
    expect(outcome.warnings.join("\n")).toContain(
      `${victimDomain} is not a verified domain of this organisation`,
    );
    expect(await accountOf(`bob@${attackerDomain}`)).toMatchObject({ connectionId: bConnection.id });
    const after = await Promise.all([
      accountOf(`alice@${victimDomain}`),
      accountOf(aAdmin.email),
      accountOf(platformAdmin.email),
    ]);
    expect(after).toEqual(before);
    expect(after[0].connectionId).toBe(aConnection.id);
  });

  it("a platform administrator in the connection's own verified domain is never linked", async () => {
    const ops = await makeUser({ platformAdmin: true, emailPrefix: "ops" });
    await db.user.update({ where: { id: ops.id }, data: { email: `ops@${attackerDomain}` } });
    const base = "dc=ops,dc=example";
    const dir = await startHostileDirectory(base, [hostilePerson(base, "ops", `ops@${attackerDomain}`)]);
    try {
      const c = await connectTo(
        { url: dir.url, managerDn: dir.managerDn, managerPassword: "x", baseDn: base },
        b,
        { domain: attackerDomain },
      );
      const outcome = await syncConnection(c.id, { trigger: "MANUAL" });
      expect(outcome.warnings.join("\n")).toMatch(
        /platform administrator's account: no directory changes it/,
      );
      expect(await accountOf(`ops@${attackerDomain}`)).toMatchObject({ source: "LOCAL", connectionId: null });
      expect(await signIn(`ops@${attackerDomain}`, ops.password)).toBe(ops.id);
      expect(await signIn(`ops@${attackerDomain}`, "attacker-chosen")).toBeNull();
    } finally {
      await dir.stop();
    }
  });

  // However the login is written.
  it("B's directory signs nobody of A in and never receives their passwords", async () => {
    hostile.binds.length = 0;
    const tries: [string, string | undefined][] = [
      [`alice@${victimDomain}`, undefined],
      [`${victimNt}\\alice`, undefined],
      ["alice", "10.66.0.1:3000"],
      ["alice", undefined],
      [aAdmin.email, undefined],
      [platformAdmin.email, undefined],
    ];
    for (const enabled of [true, false]) {
      await db.ldapConnection.update({ where: { id: bConnection.id }, data: { enabled } });
      for (const [login, host] of tries) expect(await signIn(login, "attacker-chosen", host)).toBeNull();
    }
    // Only the manager's binds: no person's DN ever reached B's directory.
    expect(hostile.binds.filter((dn) => dn !== hostile.managerDn.toLowerCase())).toEqual([]);
    // A's people still sign in through A's own directory.
    expect(await signIn(`alice@${victimDomain}`, "Alice-pw-1")).not.toBeNull();
    expect(await signIn(`${victimNt}\\alice`, "Alice-pw-1")).not.toBeNull();
    expect(await signIn(aAdmin.email, aAdmin.password)).toBe(aAdmin.id);
    // B's own people do sign in through B's directory: the hostile server is really asked for them.
    expect(await signIn(`bob@${attackerDomain}`, "whatever-bob-types")).not.toBeNull();
    expect(hostile.binds).toContain(`uid=bob,ou=people,${hostile.baseDn}`);
  });

  it("with A's directory stopped, A's sign-ins fail without falling through to B's directory", async () => {
    const binds = hostile.binds.length;
    const searches = hostile.searches.length;
    const stopped = await startSlapd({ users: [] });
    await stopped.stop();
    await db.ldapConnection.update({ where: { id: aConnection.id }, data: { serverUrl: stopped.url } });
    try {
      expect(await signIn(`alice@${victimDomain}`, "Alice-pw-1")).toBeNull();
      expect(await signIn(`${victimNt}\\alice`, "Alice-pw-1")).toBeNull();
      expect(hostile.binds.length).toBe(binds);
      expect(hostile.searches.slice(searches).join()).not.toContain("alice");
      // Local accounts never depend on a directory.
      expect(await signIn(aAdmin.email, aAdmin.password)).toBe(aAdmin.id);
    } finally {
      await db.ldapConnection.update({ where: { id: aConnection.id }, data: { serverUrl: slapd.url } });
    }
  });

  it("B's migration lists none of A's people, even those who are members of B through a share", async () => {
    const candidates = await findMigrationCandidates({ actorId: bAdmin.id, organizationId: b.id }, bDomainId);
    expect(candidates.map((c) => c.email)).toEqual([]);
  });

  it("B's administrator switches A's people's membership in B only, never their account", async () => {
    const ctx = { actorId: bAdmin.id, organizationId: b.id };
    await expect(setUserStatus(ctx, aAdmin.id, "DISABLED", "account")).rejects.toBeInstanceOf(UserError);
    await setUserStatus(ctx, aAdmin.id, "DISABLED", "membership");
    expect((await accountOf(aAdmin.email)).status).toBe("ACTIVE");
    const inB = await db.membership.findUniqueOrThrow({
      where: { userId_organizationId: { userId: aAdmin.id, organizationId: b.id } },
    });
    const inA = await db.membership.findUniqueOrThrow({
      where: { userId_organizationId: { userId: aAdmin.id, organizationId: a.id } },
    });
    expect([inB.status, inA.status]).toEqual(["DISABLED", "ACTIVE"]);
    // Someone with no membership in B is "not found" for B.
    const alice = await db.user.findUniqueOrThrow({ where: { email: `alice@${victimDomain}` } });
    await expect(setUserStatus(ctx, alice.id, "DISABLED", "membership")).rejects.toBeInstanceOf(
      NotFoundError,
    );
    // Being an Ad hoc address's first sharer does not make B its owner.
    const shared = await makeUser({ org: b, source: "ADHOC", emailPrefix: "guest" });
    await expect(setUserStatus(ctx, shared.id, "DISABLED", "account")).rejects.toBeInstanceOf(UserError);
    // A, which owns its administrator's account, may disable the account itself.
    const other = await makeUser({ org: a, emailPrefix: "staff" });
    await db.user.update({ where: { id: other.id }, data: { email: `staff-${uid()}@${victimDomain}` } });
    await setUserStatus({ actorId: aAdmin.id, organizationId: a.id }, other.id, "DISABLED", "account");
    expect((await db.user.findUniqueOrThrow({ where: { id: other.id } })).status).toBe("DISABLED");
  });

  it("a local account B names like A's person does not shadow A's bare-name sign-ins", async () => {
    const aDomain = await db.domain.findFirstOrThrow({ where: { organizationId: a.id, name: victimDomain } });
    await db.domain.update({
      where: { id: aDomain.id },
      data: { bindIpAddress: "10.55.0.1", bindIpApprovedAt: new Date() },
    });
    const shadow = await makeUser({ org: b, emailPrefix: "shadow" });
    await db.user.update({ where: { id: shadow.id }, data: { accountName: "alice" } });
    const alice = await db.user.findUniqueOrThrow({ where: { email: `alice@${victimDomain}` } });
    expect(await signIn("alice", "Alice-pw-1", "10.55.0.1:3000")).toBe(alice.id);
  });

  it("B's users page shows A's people it shared with as the address alone", async () => {
    const { listOrgUsers } = await import("@/lib/users/queries");
    const { rows } = await listOrgUsers(b.id, { q: aAdmin.email, page: 1 });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      outside: true,
      ownsAccount: false,
      user: { name: aAdmin.email, accountName: null, isPlatformAdmin: false, lastLoginAt: null },
    });
    const { userTimeline } = await import("@/lib/sync/queries");
    const seen = await userTimeline(b.id, aAdmin.id);
    expect(seen).toMatchObject({
      outside: true,
      name: aAdmin.email,
      dn: null,
      connection: null,
      syncEvents: [],
    });
  });

  it("a password B set for an address of a domain A verifies later stops working", async () => {
    const { approveDomain } = await import("@/lib/identity/verification");
    const later = `later-${uid()}.example`;
    const planted = await makeUser({ org: b, emailPrefix: "cfo" });
    await db.user.update({ where: { id: planted.id }, data: { email: `cfo@${later}` } });
    expect(await signIn(`cfo@${later}`, planted.password)).toBe(planted.id);
    const claim = await db.domain.create({ data: { organizationId: a.id, name: later } });
    await approveDomain({ id: null, isPlatformAdmin: true }, claim.id);
    expect(await signIn(`cfo@${later}`, planted.password)).toBeNull();
  });

  it("B's verification of A's domain is refused by the database: one verified owner per domain", async () => {
    await expect(
      db.domain.update({
        where: { id: bDomainId },
        data: { verifiedAt: new Date(), verificationMethod: "DNS" },
      }),
    ).rejects.toThrow(/Unique constraint|Domain_verified_name_key/);
  });
});

describe("identity conflicts inside one organisation", () => {
  // A new stable id arriving with a known email.
  it("an identity conflict changes nothing until an administrator decides", async () => {
    const domain = `conf-${uid()}.example`;
    const first = await startSlapd({ users: [{ uid: "ann", cn: "Ann One", mail: `ann@${domain}` }] });
    const org = await makeOrg();
    const admin = await makeUser({ org, roles: ["ORG_ADMIN"] });
    const c = await connectTo(first, org, { domain });
    try {
      await syncConnection(c.id, { trigger: "MANUAL" });
      const account = await db.user.findUniqueOrThrow({ where: { email: `ann@${domain}` } });
      // The leaver's entry is deleted and a new hire gets the same email: a new entryUUID.
      first.ldif(`dn: ${first.userDn("ann")}\nchangetype: delete\n`);
      first.ldif(
        `dn: uid=ann2,ou=people,${first.baseDn}\nchangetype: add\nobjectClass: inetOrgPerson\nuid: ann2\n` +
          `cn: Ann Two\nsn: Two\nmail: ann@${domain}\n`,
      );
      const outcome = await syncConnection(c.id, { trigger: "MANUAL", full: true });
      expect(outcome.warnings.join("\n")).toContain(`Identity conflict: uid=ann2,ou=people,${first.baseDn}`);
      const after = await db.user.findUniqueOrThrow({ where: { id: account.id } });
      expect([after.name, after.directoryId, after.dn]).toEqual([
        account.name,
        account.directoryId,
        account.dn,
      ]);
      const note = await db.notification.findFirstOrThrow({
        where: { userId: account.id, kind: "IDENTITY_CONFLICT", resolvedAt: null },
      });
      const { resolveConflict } = await import("@/lib/identity/conflicts");
      // Another organisation's administrator cannot decide it.
      const stranger = await makeOrg();
      await expect(
        resolveConflict({ actorId: admin.id, organizationId: stranger.id }, note.id, "LINKED"),
      ).rejects.toBeInstanceOf(NotFoundError);
      await resolveConflict({ actorId: admin.id, organizationId: org.id }, note.id, "LINKED");
      await syncConnection(c.id, { trigger: "MANUAL", full: true });
      const linked = await db.user.findUniqueOrThrow({ where: { id: account.id } });
      expect([linked.name, linked.dn, linked.status]).toEqual([
        "Ann Two",
        `uid=ann2,ou=people,${first.baseDn}`,
        "ACTIVE",
      ]);
    } finally {
      await first.stop();
    }
  });
});
