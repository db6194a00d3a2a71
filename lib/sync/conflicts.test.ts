import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { syncConnection } from "@/lib/sync/engine";
import { resolveConflict } from "@/lib/identity/conflicts";
import { startSlapd, type Slapd } from "@/test/ldap/slapd";
import { connectTo, makeOrg, makeUser, uid } from "@/test/factories";

// Identity conflicts inside one organisation's own directory, against slapd: two entries with one email, and
// a new stable id arriving with a known email. Never a silent merge: a warning naming both entries, one
// notification, nothing changes for that email until an administrator decides.

const servers: Slapd[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop();
});

async function setUp(users: { uid: string; cn: string; mail: string }[]) {
  const domain = `dup-${uid()}.example`;
  const s = await startSlapd({ users: users.map((u) => ({ ...u, mail: `${u.mail}@${domain}` })) });
  servers.push(s);
  const org = await makeOrg();
  const admin = await makeUser({ org, roles: ["ORG_ADMIN"] });
  const conn = await connectTo(s, org, { domain });
  const ctx = { actorId: admin.id, organizationId: org.id };
  const sync = () => syncConnection(conn.id, { trigger: "MANUAL", full: true });
  const openConflicts = () =>
    db.notification.findMany({
      where: { organizationId: org.id, kind: "IDENTITY_CONFLICT", resolvedAt: null },
      select: { id: true, userId: true, details: true },
    });
  return { s, domain, org, conn, ctx, sync, openConflicts };
}

const entryDn = (n: { details: unknown }) => (n.details as { entry: { dn: string } }).entry.dn;

describe("two entries of one directory with one email", () => {
  it("keeps the account on its own entry, even when the other comes first in the read", async () => {
    // "aaa" is older than ann in the directory, so it is read first once it takes ann's email.
    const t = await setUp([
      { uid: "aaa", cn: "Eve Impostor", mail: "eve" },
      { uid: "ann", cn: "Ann Real", mail: "ann" },
    ]);
    await t.sync();
    const ann = await db.user.findUniqueOrThrow({ where: { email: `ann@${t.domain}` } });
    t.s.ldif(`dn: ${t.s.userDn("aaa")}\nchangetype: modify\nreplace: mail\nmail: ann@${t.domain}\n`);
    // A paged read (not a listing of what changed), so that both entries are read, aaa first.
    await db.ldapConnection.update({ where: { id: t.conn.id }, data: { lastFullSyncAt: null } });
    const outcome = await t.sync();
    expect(outcome.warnings.join("\n")).toContain(
      `Identity conflict: ${t.s.userDn("aaa")} has the email ann@${t.domain}, which is already the account ` +
        `of ${t.s.userDn("ann")}.`,
    );
    expect(await db.user.findUniqueOrThrow({ where: { id: ann.id } })).toMatchObject({
      name: "Ann Real",
      dn: t.s.userDn("ann"),
      directoryId: ann.directoryId,
      status: "ACTIVE",
    });
    // The other entry's own account stays as it was: its entry is still there, its new email in dispute.
    expect((await db.user.findUniqueOrThrow({ where: { email: `eve@${t.domain}` } })).status).toBe("ACTIVE");
    await t.sync();
    const notes = await t.openConflicts();
    expect(notes.map((n) => [n.userId, entryDn(n)])).toEqual([[ann.id, t.s.userDn("aaa")]]);

    // Kept apart: the sync stops asking, and the account still follows its own entry.
    await resolveConflict(t.ctx, notes[0].id, "KEPT_APART");
    t.s.ldif(`dn: ${t.s.userDn("ann")}\nchangetype: modify\nreplace: cn\ncn: Ann Renamed\n`);
    const after = await t.sync();
    expect(after.warnings.join("\n")).not.toContain("Identity conflict");
    expect(await t.openConflicts()).toEqual([]);
    expect((await db.user.findUniqueOrThrow({ where: { id: ann.id } })).name).toBe("Ann Renamed");
  });

  it("links a local account to neither until an administrator says which entry is the person", async () => {
    const t = await setUp([
      { uid: "bob1", cn: "Bob One", mail: "bob" },
      { uid: "bob2", cn: "Bob Two", mail: "bob" },
    ]);
    const local = await db.user.create({
      data: { email: `bob@${t.domain}`, name: "Bob Local", source: "LOCAL" },
    });
    const outcome = await t.sync();
    expect(outcome.counts).toMatchObject({ created: 0, updated: 0 });
    expect(await db.user.findUniqueOrThrow({ where: { id: local.id } })).toMatchObject({
      source: "LOCAL",
      connectionId: null,
      name: "Bob Local",
    });
    const notes = await t.openConflicts();
    expect(notes.map(entryDn).sort()).toEqual([t.s.userDn("bob1"), t.s.userDn("bob2")]);

    await resolveConflict(t.ctx, notes.find((n) => entryDn(n) === t.s.userDn("bob2"))!.id, "LINKED");
    await t.sync();
    expect(await db.user.findUniqueOrThrow({ where: { id: local.id } })).toMatchObject({
      source: "DIRECTORY",
      connectionId: t.conn.id,
      name: "Bob Two",
      dn: t.s.userDn("bob2"),
    });
    // bob1 is still a conflict, now against bob2's account: one notification, not two.
    expect((await t.openConflicts()).map(entryDn)).toEqual([t.s.userDn("bob1")]);
  });

  it("makes a new email's account from one entry and reports the other", async () => {
    const t = await setUp([
      { uid: "cat2", cn: "Cat Two", mail: "cat" },
      { uid: "cat1", cn: "Cat One", mail: "cat" },
    ]);
    const outcome = await t.sync();
    expect(outcome.counts.created).toBe(1);
    // The entry first by DN, whatever the read order.
    const cat = await db.user.findUniqueOrThrow({ where: { email: `cat@${t.domain}` } });
    expect(cat.dn).toBe(t.s.userDn("cat1"));
    expect((await t.openConflicts()).map((n) => [n.userId, entryDn(n)])).toEqual([
      [cat.id, t.s.userDn("cat2")],
    ]);
  });
});

describe("a leaver's email given to a new hire", () => {
  it("does not hand the leaver's disabled account to the new hire in a later run", async () => {
    const t = await setUp([{ uid: "dan", cn: "Dan Leaver", mail: "dan" }]);
    await t.sync();
    const dan = await db.user.findUniqueOrThrow({ where: { email: `dan@${t.domain}` } });
    t.s.ldif(`dn: ${t.s.userDn("dan")}\nchangetype: delete\n`);
    await t.sync();
    expect((await db.user.findUniqueOrThrow({ where: { id: dan.id } })).status).toBe("DISABLED");
    t.s.ldif(
      `dn: uid=dan2,ou=people,${t.s.baseDn}\nchangetype: add\nobjectClass: inetOrgPerson\nuid: dan2\n` +
        `cn: Dan Hire\nsn: Hire\nmail: dan@${t.domain}\n`,
    );
    const outcome = await t.sync();
    expect(outcome.counts).toMatchObject({ created: 0, updated: 0, reenabled: 0 });
    expect(outcome.warnings.join("\n")).toContain(`Identity conflict: uid=dan2,ou=people,${t.s.baseDn}`);
    expect(await db.user.findUniqueOrThrow({ where: { id: dan.id } })).toMatchObject({
      status: "DISABLED",
      name: "Dan Leaver",
    });
    const [note] = await t.openConflicts();
    await resolveConflict(t.ctx, note.id, "LINKED");
    expect((await t.sync()).counts.reenabled).toBe(1);
    expect(await db.user.findUniqueOrThrow({ where: { id: dan.id } })).toMatchObject({
      status: "ACTIVE",
      name: "Dan Hire",
    });
  });
});

describe("two connections of one organisation", () => {
  it("moves an account to the other connection only when an administrator links it", async () => {
    const t = await setUp([{ uid: "eli", cn: "Eli First", mail: "eli" }]);
    const other = await startSlapd({ users: [{ uid: "eli", cn: "Eli Second", mail: `eli@${t.domain}` }] });
    servers.push(other);
    const two = await connectTo(other, t.org, { domain: t.domain, position: 1 });
    await t.sync();
    const eli = await db.user.findUniqueOrThrow({ where: { email: `eli@${t.domain}` } });
    const second = await syncConnection(two.id, { trigger: "MANUAL", full: true });
    expect(second.counts).toMatchObject({ created: 0, updated: 0 });
    expect(await db.user.findUniqueOrThrow({ where: { id: eli.id } })).toMatchObject({
      connectionId: t.conn.id,
      name: "Eli First",
    });
    const [note] = await t.openConflicts();
    await resolveConflict(t.ctx, note.id, "LINKED");
    await syncConnection(two.id, { trigger: "MANUAL", full: true });
    expect(await db.user.findUniqueOrThrow({ where: { id: eli.id } })).toMatchObject({
      connectionId: two.id,
      name: "Eli Second",
      status: "ACTIVE",
    });
    // The first connection's entry is now the conflict; its sync neither takes the account back nor disables it.
    await t.sync();
    expect(await db.user.findUniqueOrThrow({ where: { id: eli.id } })).toMatchObject({
      connectionId: two.id,
      status: "ACTIVE",
    });
    expect(
      (await t.openConflicts()).map((n) => (n.details as { connectionId: string }).connectionId),
    ).toEqual([t.conn.id]);
  });
});
