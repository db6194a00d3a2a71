import crypto from "node:crypto";
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { syncConnection } from "@/lib/sync/engine";
import { transferOwnership } from "@/lib/transfers/service";
import { openFile, shareFile, uploadFile } from "@/lib/files/service";
import { openStored } from "@/lib/files/storage";
import { startSlapd, freePort, type Slapd } from "@/test/ldap/slapd";
import { connectTo, makeOrg, makeUser, memberOf } from "@/test/factories";
import { startMailbox, type Mailbox } from "@/test/mail";

describe("a directory user with files leaves: notification on the page and by e-mail, then transfer", () => {
  let slapd: Slapd;
  let mailbox: Mailbox;
  beforeAll(async () => {
    slapd = await startSlapd({
      users: [
        { uid: "leaver", cn: "Lea Leaver", mail: "leaver@mail-flow.example" },
        { uid: "empty", cn: "Emma Empty", mail: "empty@mail-flow.example" },
        { uid: "boss", cn: "Bo Boss", mail: "boss@mail-flow.example" },
        { uid: "solo", cn: "Sol Solo", mail: "solo@mail-flow.example" },
      ],
    });
    mailbox = await startMailbox();
    process.env.SMTP_URL = mailbox.url;
  });
  afterAll(async () => {
    delete process.env.SMTP_URL;
    await mailbox?.close();
    await slapd?.stop();
  });

  // The transfer then moves the files and disables the account.
  it("disabling in slapd marks the owner pending transfer and e-mails the administrators once", async () => {
    const org = await makeOrg();
    const conn = await connectTo(slapd, org, {
      name: "Mail flow",
      domain: "mail-flow.example",
      disableThresholdPercent: 100,
      // Solo is the next test's: one directory entry, one connection's account.
      syncFilter: "(&(objectClass=inetOrgPerson)(!(uid=solo)))",
    });
    await syncConnection(conn.id, { trigger: "MANUAL" });
    const admin = await makeUser({ org, roles: ["ORG_ADMIN", "ORIGINATOR"] });
    await makeUser({ org, roles: ["ORG_ADMIN"], status: "DISABLED" });
    const leaver = await db.user.findUniqueOrThrow({ where: { email: "leaver@mail-flow.example" } });
    const empty = await db.user.findUniqueOrThrow({ where: { email: "empty@mail-flow.example" } });
    const boss = await db.user.findUniqueOrThrow({ where: { email: "boss@mail-flow.example" } });
    const bytes = Buffer.from("quarterly numbers\n".repeat(1000));
    const file = await uploadFile(await memberOf(leaver.id), {
      organizationId: org.id,
      name: "q3.txt",
      mimeType: "text/plain",
      declaredSize: bytes.length,
      body: Readable.from([bytes]),
    });
    await shareFile(await memberOf(leaver.id), file.id, admin.email);
    // The person shared with hears of it by e-mail.
    expect(
      mailbox.received.find((m) => m.mail.subject === `Lea Leaver shared "q3.txt" with you`)?.to,
    ).toEqual([admin.email]);

    slapd.ldif(
      `dn: ${slapd.userDn("leaver")}\nchangetype: modify\nadd: employeeType\nemployeeType: ` +
        `disabled\n\ndn: ${slapd.userDn("empty")}\nchangetype: modify\nadd: ` +
        "employeeType\nemployeeType: disabled\n",
    );
    const outcome = await syncConnection(conn.id, { trigger: "MANUAL", full: true });
    expect(outcome.counts).toMatchObject({ disabled: 1, pendingTransfer: 1 });

    // Without files: simply disabled, no notification.
    expect((await db.user.findUniqueOrThrow({ where: { id: empty.id } })).status).toBe("DISABLED");
    expect(await db.notification.count({ where: { userId: empty.id } })).toBe(0);
    // With files: pending transfer, cannot sign in, one notification, one e-mail to the active administrator.
    expect((await db.user.findUniqueOrThrow({ where: { id: leaver.id } })).status).toBe("PENDING_TRANSFER");
    const note = await db.notification.findFirstOrThrow({ where: { userId: leaver.id, resolvedAt: null } });
    expect(note.emailedAt).not.toBeNull();
    const mails = mailbox.received.filter(
      (m) => m.mail.subject?.endsWith("to transfer") && m.mail.text?.includes("leaver@mail-flow.example"),
    );
    expect(mails).toHaveLength(1);
    expect(mails[0].to).toEqual([admin.email]);
    expect(mails[0].mail.subject).toBe(`Org ${org.slug}: 1 user with files to transfer`);
    expect(mails[0].mail.text).toContain(
      "The following users still have files in the platform but have been disabled/deleted from " +
        "your Active Directory. Please transfer the ownership of their file(s) to another user.",
    );
    expect(mails[0].mail.text).toContain(`Lea Leaver <leaver@mail-flow.example>: 1 file`);
    expect(mails[0].mail.text).toContain(`/org/${org.slug}/notifications`);
    expect(mails[0].mail.text).not.toContain("empty@mail-flow.example");

    // The next sync does not e-mail the same notification again.
    await syncConnection(conn.id, { trigger: "MANUAL", full: true });
    expect(
      mailbox.received.filter(
        (m) => m.mail.subject?.endsWith("to transfer") && m.mail.text?.includes("leaver@mail-flow.example"),
      ),
    ).toHaveLength(1);

    const result = await transferOwnership({ actorId: admin.id, organizationId: org.id }, leaver.id, boss.id);
    expect(result).toMatchObject({ files: 1, to: boss.email });
    expect((await db.user.findUniqueOrThrow({ where: { id: leaver.id } })).status).toBe("DISABLED");
    expect(await db.notification.count({ where: { userId: leaver.id, resolvedAt: null } })).toBe(0);
    const moved = await openFile(await memberOf(boss.id), file.id);
    expect((await buffer((await openStored(moved!.storageKey))!)).equals(bytes)).toBe(true);
    // The share survives the transfer.
    expect(await openFile(await memberOf(admin.id), file.id)).not.toBeNull();

    // Re-enabled in the directory: the account comes back.
    slapd.ldif(`dn: ${slapd.userDn("empty")}\nchangetype: modify\ndelete: employeeType\n`);
    await syncConnection(conn.id, { trigger: "MANUAL", full: true });
    expect((await db.user.findUniqueOrThrow({ where: { id: empty.id } })).status).toBe("ACTIVE");
  });

  // The log has a warning meanwhile.
  it("a mail server that is down leaves the notification un-mailed; the next sync sends it", async () => {
    const org = await makeOrg();
    const conn = await connectTo(slapd, org, {
      name: "Mail down",
      domain: "mail-flow.example",
      disableThresholdPercent: 100,
      syncFilter: "(&(objectClass=inetOrgPerson)(uid=solo))",
    });
    await syncConnection(conn.id, { trigger: "MANUAL" });
    await makeUser({ org, roles: ["ORG_ADMIN"] });
    const solo = await db.user.findUniqueOrThrow({ where: { email: "solo@mail-flow.example" } });
    await db.file.create({
      data: {
        organizationId: org.id,
        ownerId: solo.id,
        name: "b",
        sizeBytes: 1n,
        mimeType: "text/plain",
        storageKey: crypto.randomUUID(),
      },
    });
    slapd.ldif(
      `dn: ${slapd.userDn("solo")}\nchangetype: modify\nadd: employeeType\nemployeeType: disabled\n`,
    );

    process.env.SMTP_URL = `smtp://127.0.0.1:${await freePort()}`;
    try {
      await syncConnection(conn.id, { trigger: "MANUAL", full: true });
    } finally {
      process.env.SMTP_URL = mailbox.url;
    }
    const note = await db.notification.findFirstOrThrow({
      where: { organizationId: org.id, userId: solo.id, resolvedAt: null },
    });
    expect(note.emailedAt).toBeNull();
    expect(
      await db.logEntry.findFirst({
        where: {
          organizationId: org.id,
          level: "WARNING",
          message: { contains: "Could not e-mail the ownership-transfer notification" },
        },
      }),
    ).not.toBeNull();

    await syncConnection(conn.id, { trigger: "MANUAL", full: true });
    expect((await db.notification.findUniqueOrThrow({ where: { id: note.id } })).emailedAt).not.toBeNull();
    expect(
      mailbox.received.some((m) => m.mail.subject === `Org ${org.slug}: 1 user with files to transfer`),
    ).toBe(true);
  });
});
