import { spawn } from "node:child_process";
import crypto from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { syncConnection } from "@/lib/sync/engine";
import { startSlapd, type LdapUser, type Slapd } from "@/test/ldap/slapd";
import { connectTo, makeOrg, uid } from "@/test/factories";

// Kill and converge: a sync process killed at any write step (SIGKILL, through the SYNC_CRASH_AT test hook of
// lib/sync/crash.ts) leaves a state from which the next normal run converges: every pending-transfer account
// has exactly one open notification, nothing is duplicated, the counts add up, no run is left RUNNING.

const servers: Slapd[] = [];
afterAll(async () => {
  for (const s of servers) await s.stop();
});

/** Runs one full sync in a child process; resolves with how it ended. */
function syncInChild(connectionId: string, crashAt: string | null) {
  return new Promise<{ signal: NodeJS.Signals | null; output: string }>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--conditions=react-server", "--import", "tsx", "test/sync-child.ts", connectionId],
      {
        env: { ...process.env, ...(crashAt ? { SYNC_CRASH_AT: crashAt } : {}) },
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("exit", (_code, signal) => resolve({ signal, output }));
  });
}

async function scenario(paged: boolean) {
  const domain = `converge-${uid()}.example`;
  const person = (n: string, extra: Partial<LdapUser> = {}): LdapUser => ({
    uid: n,
    cn: `${n} Person`,
    mail: `${n}@${domain}`,
    ...extra,
  });
  const s = await startSlapd({ users: Array.from({ length: 20 }, (_, i) => person(`u${i}`)) });
  servers.push(s);
  const org = await makeOrg();
  const conn = await connectTo(s, org, { domain, disableThresholdPercent: 60 });
  expect((await syncConnection(conn.id, { trigger: "MANUAL" })).status).toBe("SUCCEEDED");
  const users = new Map(
    (await db.user.findMany({ where: { connectionId: conn.id } })).map((u) => [u.email.split("@")[0], u]),
  );
  for (const n of ["u1", "u2", "u6"])
    await db.file.create({
      data: {
        organizationId: org.id,
        ownerId: users.get(n)!.id,
        name: "report.pdf",
        sizeBytes: 10n,
        mimeType: "application/pdf",
        storageKey: crypto.randomUUID(),
      },
    });
  // Gone (u1, u2 own files; u3, u4 do not), disabled (u5), an email changed (u6, who owns a file), a renamed
  // person (u7), a second entry with u8's email, and ten new people.
  for (const n of ["u1", "u2", "u3", "u4"]) s.ldif(`dn: ${s.userDn(n)}\nchangetype: delete\n`);
  s.ldif(`dn: ${s.userDn("u5")}\nchangetype: modify\nadd: employeeType\nemployeeType: disabled\n`);
  s.ldif(`dn: ${s.userDn("u6")}\nchangetype: modify\nreplace: mail\nmail: u6.new@${domain}\n`);
  s.ldif(`dn: ${s.userDn("u7")}\nchangetype: modify\nreplace: cn\ncn: Seven Renamed\n`);
  const added = [
    person("impostor", { mail: `u8@${domain}` }),
    ...Array.from({ length: 10 }, (_, i) => person(`n${i}`)),
  ];
  for (const u of added)
    s.ldif(
      `dn: ${s.userDn(u.uid)}\nchangetype: add\nobjectClass: inetOrgPerson\nuid: ${u.uid}\ncn: ${u.cn}\n` +
        `sn: Person\nmail: ${u.mail}\n`,
    );
  // Without a previous full sync the run reads page by page rather than listing ids and marks first.
  if (paged) await db.ldapConnection.update({ where: { id: conn.id }, data: { lastFullSyncAt: null } });
  return { conn, org, users, domain };
}

async function expectConverged(c: Awaited<ReturnType<typeof scenario>>) {
  const { conn, org, users, domain } = c;
  expect(await db.syncRun.count({ where: { connectionId: conn.id, status: "RUNNING" } })).toBe(0);
  const accounts = await db.user.findMany({
    where: { connectionId: conn.id },
    select: { id: true, email: true, name: true, status: true, directoryId: true, supersededById: true },
  });
  const status = (n: string) => accounts.find((a) => a.email === `${n}@${domain}`)?.status;
  expect(accounts).toHaveLength(20 + 10 + 1);
  expect(["u1", "u2", "u3", "u4", "u5", "u6"].map(status)).toEqual([
    "PENDING_TRANSFER",
    "PENDING_TRANSFER",
    "DISABLED",
    "DISABLED",
    "DISABLED",
    "PENDING_TRANSFER",
  ]);
  expect(accounts.find((a) => a.email === `u7@${domain}`)?.name).toBe("Seven Renamed");
  const renamed = accounts.find((a) => a.email === `u6.new@${domain}`)!;
  expect(renamed.status).toBe("ACTIVE");
  expect(accounts.find((a) => a.id === users.get("u6")!.id)?.supersededById).toBe(renamed.id);
  // One current account per entry.
  const current = accounts.filter((a) => !a.supersededById).map((a) => a.directoryId);
  expect(new Set(current).size).toBe(current.length);
  expect(await db.membership.count({ where: { organizationId: org.id } })).toBe(accounts.length);
  // Every pending-transfer account has exactly one open notification, of the right kind.
  const notes = await db.notification.findMany({
    where: { organizationId: org.id, resolvedAt: null },
    select: { userId: true, kind: true, targetUserId: true },
  });
  const pending = accounts.filter((a) => a.status === "PENDING_TRANSFER");
  for (const p of pending)
    expect(notes.filter((n) => n.userId === p.id && n.kind !== "IDENTITY_CONFLICT")).toHaveLength(1);
  expect(notes.find((n) => n.userId === users.get("u6")!.id)).toMatchObject({
    kind: "EMAIL_CHANGED",
    targetUserId: renamed.id,
  });
  expect(notes.filter((n) => n.kind === "IDENTITY_CONFLICT")).toEqual([
    expect.objectContaining({ userId: users.get("u8")!.id }),
  ]);
  expect(notes).toHaveLength(pending.length + 1);
  // No decision recorded twice on anyone's timeline.
  const events = await db.syncEvent.findMany({
    where: { userId: { in: accounts.map((a) => a.id) } },
    select: { userId: true, action: true },
  });
  const keys = events.map((e) => `${e.userId} ${e.action}`);
  expect(new Set(keys).size).toBe(keys.length);
}

/**
 * The next run, as the next cron tick would start it: PostgreSQL frees the dead process's lock once it sees
 * its connection closed, a moment after the kill.
 */
async function nextRun(connectionId: string) {
  for (let i = 0; ; i++) {
    const outcome = await syncConnection(connectionId, { trigger: "MANUAL", full: true });
    if (outcome.status !== "SKIPPED" || i === 50) return outcome;
    await new Promise((r) => setTimeout(r, 100));
  }
}

// What the run after the kill still has to do, by the step the kill came at.
const remaining = {
  "batch-mid": { created: 11, updated: 2, disabled: 3, pendingTransfer: 3 },
  "batch-written": { created: 0, updated: 0, disabled: 3, pendingTransfer: 3 },
  "finish-mid": { created: 0, updated: 0, disabled: 3, pendingTransfer: 3 },
  "finish-written": { created: 0, updated: 0, disabled: 0, pendingTransfer: 0 },
};

describe("a sync killed at a write step converges on the next run", () => {
  for (const paged of [false, true])
    for (const [step, counts] of Object.entries(remaining)) {
      if (paged && (step === "batch-mid" || step === "finish-written")) continue;
      it(`killed at ${step} (${paged ? "paged read" : "listing"})`, async () => {
        const c = await scenario(paged);
        const killed = await syncInChild(c.conn.id, step);
        expect(killed.signal).toBe("SIGKILL");
        const next = await nextRun(c.conn.id);
        expect(next.status).toBe("SUCCEEDED");
        expect(next.counts).toMatchObject(counts);
        await expectConverged(c);
        // And the run after that has nothing left to do.
        const again = await syncConnection(c.conn.id, { trigger: "MANUAL", full: true });
        expect(again.counts).toMatchObject({ created: 0, updated: 0, disabled: 0, pendingTransfer: 0 });
        await expectConverged(c);
      });
    }
  it("a run nobody killed gets there in one go, as its preview said", async () => {
    const c = await scenario(false);
    // Preview reads and decides as the run does (here: a listing first), and writes nothing.
    const preview = await syncConnection(c.conn.id, { trigger: "MANUAL", dryRun: true });
    expect(preview.counts).toMatchObject(remaining["batch-mid"]);
    expect(preview.plan?.conflict).toEqual([expect.objectContaining({ email: `u8@${c.domain}` })]);
    const run = await syncInChild(c.conn.id, null);
    expect(run.signal).toBe(null);
    expect(JSON.parse(run.output)).toMatchObject({ status: "SUCCEEDED", counts: preview.counts });
    await expectConverged(c);
  });

  it("gives a pending-transfer account whose notification was never written exactly one", async () => {
    const c = await scenario(false);
    await syncConnection(c.conn.id, { trigger: "MANUAL", full: true });
    // What a crash between two of the old unconnected statements left behind.
    await db.notification.deleteMany({ where: { userId: c.users.get("u1")!.id } });
    await db.notification.deleteMany({ where: { userId: c.users.get("u6")!.id } });
    await syncConnection(c.conn.id, { trigger: "MANUAL", full: true });
    await expectConverged(c);
  });
});
