import crypto from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { syncConnection } from "@/lib/sync/engine";
import { runDueConnections } from "@/lib/sync/due";
import { userTimeline } from "@/lib/sync/queries";
import { startSlapd, type LdapUser, type Slapd } from "@/test/ldap/slapd";
import { connectTo, makeOrg } from "@/test/factories";

const servers: Slapd[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop();
});

async function directory(users: LdapUser[], extraLdif?: string) {
  const s = await startSlapd({ users, extraLdif });
  servers.push(s);
  return s;
}

const person = (n: string, extra: Partial<LdapUser> = {}): LdapUser => ({
  uid: n,
  cn: `${n[0].toUpperCase()}${n.slice(1)} Person`,
  mail: `${n}@example.com`,
  password: `${n}-pw`,
  ...extra,
});

async function usersOf(connectionId: string) {
  return db.user.findMany({
    where: { connectionId },
    orderBy: { email: "asc" },
    select: {
      id: true,
      email: true,
      name: true,
      status: true,
      source: true,
      directoryId: true,
      supersededById: true,
      memberships: { select: { roles: true, plan: { select: { isDefault: true } } } },
    },
  });
}

async function giveFile(userId: string, organizationId: string) {
  await db.file.create({
    data: {
      organizationId,
      ownerId: userId,
      name: "report.pdf",
      sizeBytes: 10n,
      mimeType: "application/pdf",
      storageKey: crypto.randomUUID(),
    },
  });
}

describe("full synchronisation against a real slapd", () => {
  let s: Slapd;
  let org: { id: string; slug: string };
  let conn: { id: string };

  beforeAll(async () => {
    s = await directory([
      person("ann"),
      person("ben"),
      person("cat", { employeeType: "disabled" }),
      person("dan"),
      person("eve"),
      person("fay"),
      person("gus"),
      person("hal"),
      person("ida"),
      person("jon"),
      person("kim"),
      person("lou"),
    ]);
    org = await makeOrg();
    conn = await connectTo(s, org, { disableThresholdPercent: 50 });
  }, 60_000);

  it("creates Originators on the default plan, disabled entries disabled; a rerun is a no-op", async () => {
    const first = await syncConnection(conn.id, { trigger: "MANUAL" });
    expect(first).toMatchObject({
      status: "SUCCEEDED",
      kind: "FULL",
      counts: { entriesRead: 12, created: 12, updated: 0, unchanged: 0 },
    });
    const users = await usersOf(conn.id);
    expect(users).toHaveLength(12);
    for (const u of users) {
      expect(u.source).toBe("DIRECTORY");
      expect(u.memberships).toEqual([{ roles: ["ORIGINATOR"], plan: { isDefault: true } }]);
      expect(u.directoryId).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(users.find((u) => u.email === "cat@example.com")?.status).toBe("DISABLED");
    expect(users.find((u) => u.email === "ann@example.com")).toMatchObject({
      status: "ACTIVE",
      name: "Ann Person",
    });
    const second = await syncConnection(conn.id, { trigger: "MANUAL", full: true });
    expect(second.counts).toMatchObject({
      entriesRead: 12,
      created: 0,
      updated: 0,
      unchanged: 12,
      disabled: 0,
    });
    const run = await db.syncRun.findUniqueOrThrow({ where: { id: second.runId! } });
    expect(run).toMatchObject({ status: "SUCCEEDED", entriesRead: 12, unchanged: 12, trigger: "MANUAL" });
  });

  // Pending transfer comes with a notification.
  it("propagates field changes, disables, marks owners of files pending transfer, re-enables", async () => {
    const ben = await db.user.findUniqueOrThrow({ where: { email: "ben@example.com" } });
    await giveFile(ben.id, org.id);
    s.ldif(
      `dn: ${s.userDn("ann")}\nchangetype: modify\nreplace: cn\ncn: Ann Renamed\n\ndn: ` +
        `${s.userDn("ben")}\nchangetype: modify\nadd: employeeType\nemployeeType: disabled\n\ndn: ` +
        `${s.userDn("dan")}\nchangetype: modify\nadd: employeeType\nemployeeType: disabled\n`,
    );
    const outcome = await syncConnection(conn.id, { trigger: "MANUAL", full: true });
    expect(outcome.counts).toMatchObject({ updated: 3, disabled: 1, pendingTransfer: 1 });
    expect((await db.user.findUniqueOrThrow({ where: { email: "ann@example.com" } })).name).toBe(
      "Ann Renamed",
    );
    expect((await db.user.findUniqueOrThrow({ where: { email: "dan@example.com" } })).status).toBe(
      "DISABLED",
    );
    expect((await db.user.findUniqueOrThrow({ where: { email: "ben@example.com" } })).status).toBe(
      "PENDING_TRANSFER",
    );
    const notes = await db.notification.findMany({ where: { organizationId: org.id, userId: ben.id } });
    expect(notes).toMatchObject([{ kind: "OWNERSHIP_TRANSFER", resolvedAt: null }]);
    expect(
      await db.notification.count({ where: { organizationId: org.id, user: { email: "dan@example.com" } } }),
    ).toBe(0);
    const dan = await db.user.findUniqueOrThrow({ where: { email: "dan@example.com" } });
    const timeline = (await userTimeline(org.id, dan.id))!.syncEvents.reverse();
    expect(timeline.map((t) => t.action)).toEqual(["created", "updated", "disabled"]);
    expect(JSON.stringify(timeline[2].details)).toContain("disabled");

    s.ldif(
      `dn: ${s.userDn("ben")}\nchangetype: modify\ndelete: employeeType\n\ndn: ` +
        `${s.userDn("dan")}\nchangetype: modify\ndelete: employeeType\n`,
    );
    const back = await syncConnection(conn.id, { trigger: "MANUAL", full: true });
    expect(back.counts.reenabled).toBe(2);
    expect((await db.user.findUniqueOrThrow({ where: { email: "ben@example.com" } })).status).toBe("ACTIVE");
    expect((await db.notification.findFirstOrThrow({ where: { userId: ben.id } })).resolvedAt).not.toBeNull();
  });

  it("disables an entry that is gone, and keeps the account", async () => {
    s.ldif(`dn: ${s.userDn("eve")}\nchangetype: delete\n`);
    const outcome = await syncConnection(conn.id, { trigger: "MANUAL", full: true });
    expect(outcome.counts.disabled).toBe(1);
    expect((await db.user.findUniqueOrThrow({ where: { email: "eve@example.com" } })).status).toBe(
      "DISABLED",
    );
  });

  // The old account is kept for transfer meanwhile.
  it("makes a new account when the email changes, and the old one current when it changes back", async () => {
    const original = await db.user.findUniqueOrThrow({ where: { email: "fay@example.com" } });
    await giveFile(original.id, org.id);
    s.ldif(`dn: ${s.userDn("fay")}\nchangetype: modify\nreplace: mail\nmail: fay.new@example.com\n`);
    await syncConnection(conn.id, { trigger: "MANUAL", full: true });
    const renamed = await db.user.findUniqueOrThrow({ where: { email: "fay.new@example.com" } });
    const old = await db.user.findUniqueOrThrow({ where: { id: original.id } });
    expect(renamed.directoryId).toBe(original.directoryId);
    expect(old).toMatchObject({ status: "PENDING_TRANSFER", supersededById: renamed.id });
    expect(
      await db.notification.findFirst({ where: { userId: original.id, resolvedAt: null } }),
    ).toMatchObject({ kind: "EMAIL_CHANGED", targetUserId: renamed.id });
    expect(await db.file.count({ where: { ownerId: original.id } })).toBe(1);

    s.ldif(`dn: ${s.userDn("fay")}\nchangetype: modify\nreplace: mail\nmail: fay@example.com\n`);
    await syncConnection(conn.id, { trigger: "MANUAL", full: true });
    expect(await db.user.findUniqueOrThrow({ where: { id: original.id } })).toMatchObject({
      status: "ACTIVE",
      supersededById: null,
    });
    expect(await db.user.findUniqueOrThrow({ where: { id: renamed.id } })).toMatchObject({
      status: "DISABLED",
      supersededById: original.id,
    });
  });

  it("previews without writing anything", async () => {
    s.ldif(`dn: ${s.userDn("gus")}\nchangetype: modify\nadd: employeeType\nemployeeType: disabled\n`);
    const before = await db.user.findUniqueOrThrow({ where: { email: "gus@example.com" } });
    const runs = await db.syncRun.count({ where: { connectionId: conn.id } });
    const preview = await syncConnection(conn.id, { trigger: "MANUAL", dryRun: true });
    expect(preview.plan?.disable).toEqual([expect.objectContaining({ email: "gus@example.com" })]);
    expect((await db.user.findUniqueOrThrow({ where: { email: "gus@example.com" } })).status).toBe(
      before.status,
    );
    expect(await db.syncRun.count({ where: { connectionId: conn.id } })).toBe(runs);
    // A preview of unsaved settings: a filter that leaves out half the people.
    const narrower = await syncConnection(conn.id, {
      trigger: "MANUAL",
      dryRun: true,
      overrides: { syncFilter: "(&(objectClass=inetOrgPerson)(|(uid=a*)(uid=b*)))" },
    });
    expect(narrower.plan!.disable.map((d) => d.email)).toEqual(
      expect.arrayContaining(["hal@example.com", "kim@example.com"]),
    );
  });
});

describe("safety", () => {
  it("holds a run that would disable more than the threshold, and applies it once confirmed", async () => {
    const s = await directory(Array.from({ length: 20 }, (_, i) => person(`p${i}`)));
    const org = await makeOrg();
    const conn = await connectTo(s, org);
    await syncConnection(conn.id, { trigger: "MANUAL" });
    s.ldif(Array.from({ length: 5 }, (_, i) => `dn: ${s.userDn(`p${i}`)}\nchangetype: delete\n`).join("\n"));
    const held = await syncConnection(conn.id, { trigger: "MANUAL", full: true });
    expect(held.status).toBe("HELD");
    expect(held.heldReason).toContain("would disable 5 of 20 users");
    expect(await db.user.count({ where: { connectionId: conn.id, status: "DISABLED" } })).toBe(0);
    expect(await db.syncRun.findUniqueOrThrow({ where: { id: held.runId! } })).toMatchObject({
      status: "HELD",
    });
    const confirmed = await syncConnection(conn.id, { trigger: "CONFIRMATION", allowDisable: true });
    expect(confirmed).toMatchObject({ status: "SUCCEEDED", counts: { disabled: 5 } });
  });

  it("disables nothing when the directory goes away mid-read, and marks the run failed", async () => {
    const s = await directory(Array.from({ length: 10000 }, (_, i) => person(`q${i}`)));
    const org = await makeOrg();
    const conn = await connectTo(s, org, { disableThresholdPercent: 100, disableThresholdCount: 100000 });
    await syncConnection(conn.id, { trigger: "MANUAL" });
    expect(await db.user.count({ where: { connectionId: conn.id, status: "ACTIVE" } })).toBe(10000);
    let stopped = false;
    const outcome = await syncConnection(conn.id, {
      trigger: "MANUAL",
      full: true,
      onProgress: () => {
        if (!stopped) {
          stopped = true;
          void s.stop();
        }
      },
    });
    expect(outcome.status).toBe("FAILED");
    expect(outcome.counts.entriesRead).toBeLessThan(10000);
    expect(await db.user.count({ where: { connectionId: conn.id, status: { not: "ACTIVE" } } })).toBe(0);
    expect(await db.syncRun.findUniqueOrThrow({ where: { id: outcome.runId! } })).toMatchObject({
      status: "FAILED",
    });
    expect(await db.logEntry.count({ where: { connectionId: conn.id, level: "ERROR" } })).toBe(1);
  });

  it("runs one sync per connection at a time, and recovers from a run interrupted by a crash", async () => {
    const s = await directory(Array.from({ length: 300 }, (_, i) => person(`r${i}`)));
    const org = await makeOrg();
    const conn = await connectTo(s, org);
    const [a, b] = await Promise.all([
      syncConnection(conn.id, { trigger: "CRON" }),
      syncConnection(conn.id, { trigger: "CRON" }),
    ]);
    expect([a.status, b.status].sort()).toEqual(["SKIPPED", "SUCCEEDED"]);
    expect(await db.syncRun.count({ where: { connectionId: conn.id } })).toBe(1);
    expect(await db.user.count({ where: { connectionId: conn.id } })).toBe(300);

    // A process died in the middle of a run: its row says RUNNING, and nobody holds the lock.
    const crashed = await db.syncRun.create({
      data: {
        connectionId: conn.id,
        trigger: "CRON",
        status: "RUNNING",
        entriesRead: 100,
        runnerId: "gone:1",
      },
    });
    const next = await syncConnection(conn.id, { trigger: "CRON", full: true });
    expect(next.status).toBe("SUCCEEDED");
    expect(await db.syncRun.findUniqueOrThrow({ where: { id: crashed.id } })).toMatchObject({
      status: "FAILED",
      error: expect.stringContaining("Interrupted"),
    });
    expect(await db.user.count({ where: { connectionId: conn.id } })).toBe(300);
    expect(await db.membership.count({ where: { organizationId: org.id } })).toBe(300);
  });

  it("runs due connections from the cron function and skips disabled ones", async () => {
    const s = await directory([person("due1")]);
    const org = await makeOrg();
    const on = await connectTo(s, org);
    const off = await connectTo(s, org, { enabled: false });
    const summary = await runDueConnections({ organizationId: org.id });
    expect(summary.ran.map((r) => r.connectionId)).toEqual([on.id]);
    expect(await db.syncRun.count({ where: { connectionId: off.id } })).toBe(0);
    const again = await runDueConnections({ organizationId: org.id });
    expect(again.ran).toEqual([]);
  });
});

describe("identity rules", () => {
  // Warnings: entries without email and non-ASCII names.
  it("links a local account by email (any case), turns Ad hoc into Collaborator, and warns", async () => {
    const s = await directory([
      person("lin"),
      person("adh"),
      { uid: "noemail", cn: "No Email" },
      { uid: "jürgen", cn: "Jürgen", mail: "jurgen@example.com" },
    ]);
    const org = await makeOrg();
    const planId = (await db.organization.findUniqueOrThrow({ where: { id: org.id } })).defaultPlanId;
    const local = await db.user.create({
      data: {
        email: "lin@example.com",
        name: "Lin Local",
        source: "LOCAL",
        memberships: { create: { organizationId: org.id, roles: ["ORIGINATOR", "ORG_ADMIN"], planId } },
      },
    });
    const adhoc = await db.user.create({
      data: {
        email: "adh@example.com",
        name: "Ad Hoc",
        source: "ADHOC",
        memberships: { create: { organizationId: org.id, roles: ["ADHOC"], planId } },
      },
    });
    const conn = await connectTo(s, org);
    const outcome = await syncConnection(conn.id, { trigger: "MANUAL" });
    expect(outcome.counts).toMatchObject({ created: 1, updated: 2 });
    expect(await db.user.count({ where: { email: "lin@example.com" } })).toBe(1);
    expect(
      await db.user.findUniqueOrThrow({
        where: { id: local.id },
        select: { source: true, connectionId: true },
      }),
    ).toEqual({ source: "DIRECTORY", connectionId: conn.id });
    expect((await db.membership.findFirstOrThrow({ where: { userId: local.id } })).roles).toEqual([
      "ORIGINATOR",
      "ORG_ADMIN",
    ]);
    expect((await db.membership.findFirstOrThrow({ where: { userId: adhoc.id } })).roles).toEqual([
      "COLLABORATOR",
    ]);
    expect(outcome.warnings.join("\n")).toMatch(/without email/);
    expect(outcome.warnings.join("\n")).toMatch(/jürgen.*not ASCII/);
  });

  // It is an identity conflict, reported once.
  it("never lets a second directory take an email the first one holds", async () => {
    const first = await directory([person("dup")]);
    const second = await directory([{ ...person("dup"), cn: "Dup Second" }]);
    const org = await makeOrg();
    const one = await connectTo(first, org, { position: 0 });
    const two = await connectTo(second, org, { position: 1 });
    await syncConnection(one.id, { trigger: "MANUAL" });
    const outcome = await syncConnection(two.id, { trigger: "MANUAL", full: true });
    expect(outcome.warnings.join()).toMatch(/Identity conflict: uid=dup,.* has the email dup@example.com/);
    const account = await db.user.findUniqueOrThrow({
      where: { email: "dup@example.com" },
      select: { id: true, connectionId: true, name: true },
    });
    expect(account).toMatchObject({ connectionId: one.id, name: "Dup Person" });
    // One open notification for the administrators, naming both entries, however often the sync runs.
    await syncConnection(two.id, { trigger: "MANUAL", full: true });
    const notes = await db.notification.findMany({
      where: { userId: account.id, kind: "IDENTITY_CONFLICT", resolvedAt: null },
    });
    expect(notes).toHaveLength(1);
    expect(notes[0].details).toMatchObject({ connectionId: two.id, entry: { dn: second.userDn("dup") } });
  });

  it("maps groups with their members", async () => {
    const s = await directory(
      [person("g1"), person("g2"), person("g3")],
      `dn: cn=staff,ou=groups,dc=example,dc=com\nobjectClass: groupOfNames\ncn: staff\nmember: ` +
        `uid=g1,ou=people,dc=example,dc=com\nmember: uid=g3,ou=people,dc=example,dc=com`,
    );
    const org = await makeOrg();
    const conn = await connectTo(s, org, { baseDn: "dc=example,dc=com" });
    await syncConnection(conn.id, { trigger: "MANUAL" });
    const group = await db.directoryGroup.findFirstOrThrow({
      where: { connectionId: conn.id },
      include: { members: { include: { user: { select: { email: true } } } } },
    });
    expect(group.name).toBe("staff");
    expect(group.members.map((m) => m.user.email).sort()).toEqual(["g1@example.com", "g3@example.com"]);
  });

  it("reads only what changed between full syncs (modifyTimestamp)", async () => {
    const s = await directory(Array.from({ length: 50 }, (_, i) => person(`inc${i}`)));
    const org = await makeOrg();
    const conn = await connectTo(s, org);
    await syncConnection(conn.id, { trigger: "MANUAL" });
    expect((await db.ldapConnection.findUniqueOrThrow({ where: { id: conn.id } })).highWaterMark).toMatch(
      /^\d{14}Z$/,
    );
    await new Promise((r) => setTimeout(r, 1100));
    s.ldif(`dn: ${s.userDn("inc7")}\nchangetype: modify\nreplace: cn\ncn: Changed Seven\n`);
    const outcome = await syncConnection(conn.id, { trigger: "CRON" });
    expect(outcome.kind).toBe("INCREMENTAL");
    expect(outcome.counts.entriesRead).toBeLessThan(5);
    expect(outcome.counts.updated).toBe(1);
    expect((await db.user.findUniqueOrThrow({ where: { email: "inc7@example.com" } })).name).toBe(
      "Changed Seven",
    );
    expect(await db.user.count({ where: { connectionId: conn.id, status: "ACTIVE" } })).toBe(50);
  });
  it("a repeated full sync lists ids and marks, reads only what changed, catches every change", async () => {
    const s = await directory(Array.from({ length: 30 }, (_, i) => person(`lst${i}`)));
    const org = await makeOrg();
    const conn = await connectTo(s, org, { debugLogging: true, disableThresholdPercent: 100 });
    const sleep = () => new Promise((r) => setTimeout(r, 1100));
    const modify = (u: string, attribute: string, value: string) =>
      s.ldif(`dn: ${s.userDn(u)}\nchangetype: modify\nreplace: ${attribute}\n${attribute}: ${value}\n`);
    const logs = async (message: string, since: Date) =>
      db.logEntry.count({ where: { connectionId: conn.id, message, createdAt: { gte: since } } });
    const full = () => syncConnection(conn.id, { trigger: "MANUAL", full: true });

    expect((await syncConnection(conn.id, { trigger: "MANUAL" })).counts.created).toBe(30);
    await sleep();
    modify("lst1", "cn", "Later One");
    expect((await full()).counts).toMatchObject({ entriesRead: 30, updated: 1, unchanged: 29 });

    // Now 28 entries are older than the newest mark: listed, not read again. lst1 (at the newest mark) is
    // read again, lst2 changed, lst3 is gone.
    await sleep();
    modify("lst2", "cn", "Later Two");
    s.ldif(`dn: ${s.userDn("lst3")}\nchangetype: delete\n`);
    const since = new Date();
    const third = await full();
    expect(third).toMatchObject({
      status: "SUCCEEDED",
      kind: "FULL",
      counts: { entriesRead: 29, unchanged: 28, updated: 1, disabled: 1 },
    });
    expect(await logs("list", since)).toBe(1);
    expect(await logs("page", since)).toBe(0);
    expect((await db.user.findUniqueOrThrow({ where: { email: "lst2@example.com" } })).name).toBe(
      "Later Two",
    );
    expect((await db.user.findUniqueOrThrow({ where: { email: "lst3@example.com" } })).status).toBe(
      "DISABLED",
    );

    // Two changes within one second, with a sync between them: the second is not lost.
    modify("lst6", "cn", "First Change");
    await full();
    modify("lst6", "cn", "Second Change");
    await full();
    expect((await db.user.findUniqueOrThrow({ where: { email: "lst6@example.com" } })).name).toBe(
      "Second Change",
    );
    // Disabled, then enabled again, in the directory.
    modify("lst7", "employeeType", "disabled");
    expect((await full()).counts.disabled).toBe(1);
    modify("lst7", "employeeType", "staff");
    expect((await full()).counts.reenabled).toBe(1);
    // A run held by the threshold leaves the statuses as they were; the confirmed run still applies them.
    await db.ldapConnection.update({ where: { id: conn.id }, data: { disableThresholdCount: 1 } });
    modify("lst8", "employeeType", "disabled");
    modify("lst9", "employeeType", "disabled");
    expect((await full()).status).toBe("HELD");
    expect(
      (await syncConnection(conn.id, { trigger: "CONFIRMATION", allowDisable: true })).counts,
    ).toMatchObject({ entriesRead: 29, disabled: 2 });
    expect((await db.user.findUniqueOrThrow({ where: { email: "lst9@example.com" } })).status).toBe(
      "DISABLED",
    );

    // A new entry with an unchanged entry's email: the listed one keeps the account, the newcomer is skipped.
    await db.ldapConnection.update({ where: { id: conn.id }, data: { disableThresholdCount: 500 } });
    s.ldif(
      `dn: uid=copycat,ou=people,${s.baseDn}\nchangetype: add\nobjectClass: inetOrgPerson\nuid: ` +
        "copycat\ncn: Copy Cat\nsn: Cat\nmail: lst10@example.com\n",
    );
    const copy = await full();
    expect(copy.warnings.join("\n")).toContain(
      `Identity conflict: uid=copycat,ou=people,${s.baseDn} has the email lst10@example.com`,
    );
    expect((await db.user.findUniqueOrThrow({ where: { email: "lst10@example.com" } })).dn).toBe(
      s.userDn("lst10"),
    );
    s.ldif(`dn: uid=copycat,ou=people,${s.baseDn}\nchangetype: delete\n`);

    // Changing the mapping makes every stored mark stale: every entry is read again with the new field.
    await db.ldapConnection.update({ where: { id: conn.id }, data: { fullNameField: "uid" } });
    expect((await full()).counts).toMatchObject({ entriesRead: 29, updated: 29 });
    expect((await db.user.findUniqueOrThrow({ where: { email: "lst5@example.com" } })).name).toBe("lst5");
    expect((await db.user.findUniqueOrThrow({ where: { email: "lst7@example.com" } })).status).toBe("ACTIVE");
  });
});
