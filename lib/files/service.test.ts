import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import {
  checkStorage,
  deleteFile,
  listFiles,
  openFile,
  renameFile,
  shareFile,
  unshareFile,
  uploadFile,
} from "@/lib/files/service";
import { copyInvitationLink, findPasswordLink, setPasswordByLink } from "@/lib/files/invitations";
import { filesDir, openStored, writeBytes } from "@/lib/files/storage";
import { authenticate } from "@/lib/auth/sign-in";
import { ForbiddenError, NotFoundError, UserError } from "@/lib/errors";
import { makeOrg, makeUser, memberOf, uid } from "@/test/factories";

const body = (bytes: Buffer, chunk = 64 * 1024) =>
  Readable.from(
    (function* () {
      for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk);
    })(),
  );

async function upload(
  userId: string,
  organizationId: string,
  bytes: Buffer,
  name = `file-${uid()}.bin`,
  declared: number | null = bytes.length,
) {
  return uploadFile(await memberOf(userId), {
    organizationId,
    name,
    mimeType: "application/octet-stream",
    declaredSize: declared,
    body: body(bytes),
  });
}

async function download(userId: string, fileId: string) {
  const file = await openFile(await memberOf(userId), fileId);
  if (!file) return null;
  return buffer((await openStored(file.storageKey))!);
}

function storedKeys(): string[] {
  const dir = filesDir();
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).flatMap((d) => fs.readdirSync(path.join(dir, d)));
}

async function smallPlan(orgId: string, userId: string, bytes: number) {
  const plan = await db.plan.create({ data: { name: `Tiny ${uid()}`, storageQuotaBytes: BigInt(bytes) } });
  await db.membership.update({
    where: { userId_organizationId: { userId, organizationId: orgId } },
    data: { planId: plan.id },
  });
}

describe("files", () => {
  it("stores an upload, gives back the same bytes, renames and deletes it (bytes gone)", async () => {
    const org = await makeOrg();
    const owner = await makeUser({ org });
    const bytes = crypto.randomBytes(3 * 1024 * 1024 + 17);
    const file = await upload(owner.id, org.id, bytes, "Report 2026 – ünïcode.pdf");
    expect(file.sizeBytes).toBe(BigInt(bytes.length));
    expect((await download(owner.id, file.id))!.equals(bytes)).toBe(true);

    await renameFile(await memberOf(owner.id), file.id, "Final.pdf");
    expect((await listFiles(await memberOf(owner.id))).owned.map((f) => f.name)).toEqual(["Final.pdf"]);

    const { storageKey } = await db.file.findUniqueOrThrow({ where: { id: file.id } });
    expect(storedKeys()).toContain(storageKey);
    await deleteFile(await memberOf(owner.id), file.id);
    expect(storedKeys()).not.toContain(storageKey);
    expect(await download(owner.id, file.id)).toBeNull();
  });

  it("refuses a file name with a path or control characters, and an empty one", async () => {
    const org = await makeOrg();
    const owner = await makeUser({ org });
    for (const name of ["../etc/passwd", "a\\b", "bad\u0001name", "  ", ".."]) {
      await expect(upload(owner.id, org.id, Buffer.from("x"), name)).rejects.toBeInstanceOf(UserError);
    }
    expect(await db.file.count({ where: { ownerId: owner.id } })).toBe(0);
  });

  it("enforces the plan's quota: declared too large, streamed past it, two uploads racing", async () => {
    const org = await makeOrg();
    const owner = await makeUser({ org });
    await smallPlan(org.id, owner.id, 100_000);
    const before = storedKeys().length;

    await upload(owner.id, org.id, crypto.randomBytes(60_000));
    // Declared: refused before a byte is read.
    await expect(upload(owner.id, org.id, crypto.randomBytes(50_000))).rejects.toThrow(
      /Not enough space: This file \(48\.8 KB\) is larger than the 39\.1 KB left of your plan Tiny/,
    );
    // Not declared (chunked): the stream stops at the space left and nothing is kept.
    await expect(upload(owner.id, org.id, crypto.randomBytes(50_000), "chunked.bin", null)).rejects.toThrow(
      /Not enough space/,
    );
    expect(storedKeys().length).toBe(before + 1);
    expect(storedKeys().some((k) => k.endsWith(".part"))).toBe(false);

    // Two uploads of 30 KB each fit the 39 KB left one at a time, not together: exactly one lands.
    const results = await Promise.allSettled([
      upload(owner.id, org.id, crypto.randomBytes(30_000)),
      upload(owner.id, org.id, crypto.randomBytes(30_000)),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.find((r) => r.status === "rejected")).toMatchObject({ reason: expect.any(UserError) });
    expect(await db.file.count({ where: { ownerId: owner.id } })).toBe(2);
    expect(storedKeys().length).toBe(before + 2);
  });

  // Ad hoc cannot upload, Collaborator uploads but cannot share, Originator shares.
  it("gives each role its rights: upload and share", async () => {
    const org = await makeOrg();
    const adhoc = await makeUser({ org, roles: ["ADHOC"], source: "ADHOC" });
    const collaborator = await makeUser({ org, roles: ["COLLABORATOR"] });
    const originator = await makeUser({ org, roles: ["ORIGINATOR"] });
    await expect(upload(adhoc.id, org.id, Buffer.from("x"))).rejects.toBeInstanceOf(ForbiddenError);
    const mine = await upload(collaborator.id, org.id, Buffer.from("collab"));
    await expect(shareFile(await memberOf(collaborator.id), mine.id, originator.email)).rejects.toThrow(
      /Collaborator\) can upload files but not share/,
    );
    const theirs = await upload(originator.id, org.id, Buffer.from("orig"));
    await shareFile(await memberOf(originator.id), theirs.id, collaborator.email);
    expect((await download(collaborator.id, theirs.id))!.toString()).toBe("orig");
    // Nobody uploads into an organisation they are not in.
    await expect(upload(originator.id, (await makeOrg()).id, Buffer.from("x"))).rejects.toBeInstanceOf(
      ForbiddenError,
    );
  });

  it("a member cannot read, rename, share or delete another member's file by guessing its id", async () => {
    const org = await makeOrg();
    const alice = await makeUser({ org });
    const mallory = await makeUser({ org });
    const secret = await upload(alice.id, org.id, Buffer.from("alice's secret"));
    const m = await memberOf(mallory.id);
    expect(await openFile(m, secret.id)).toBeNull();
    expect(await openFile(m, "not-a-uuid")).toBeNull();
    await expect(renameFile(m, secret.id, "mine")).rejects.toBeInstanceOf(NotFoundError);
    await expect(deleteFile(m, secret.id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(shareFile(m, secret.id, mallory.email)).rejects.toBeInstanceOf(NotFoundError);
    expect((await listFiles(m)).owned).toHaveLength(0);
    expect((await listFiles(m)).shared).toHaveLength(0);
    expect((await download(alice.id, secret.id))!.toString()).toBe("alice's secret");
  });

  // It sets a password by a one-time link and signs in.
  it("sharing with an unknown address creates an Ad hoc account that sees only what is shared", async () => {
    const org = await makeOrg();
    const owner = await makeUser({ org });
    const file = await upload(owner.id, org.id, Buffer.from("shared bytes"));
    const other = await upload(owner.id, org.id, Buffer.from("not shared"));
    const email = `guest-${uid()}@outside.example`;

    const result = await shareFile(await memberOf(owner.id), file.id, email);
    // Without SMTP the sharer is told to let the person know; no link is shown to (or made for) the sharer.
    expect(result).toEqual({ email, message: expect.stringMatching(/^Shared with .* No e-mail server/) });
    const guest = await db.user.findUniqueOrThrow({ where: { email }, include: { memberships: true } });
    expect(guest).toMatchObject({ source: "ADHOC", status: "ACTIVE", passwordHash: null });
    expect(guest.memberships).toMatchObject([{ organizationId: org.id, roles: ["ADHOC"] }]);
    expect(await db.auditLog.count({ where: { action: "user.create-adhoc", targetId: guest.id } })).toBe(1);
    expect(await db.passwordLink.count({ where: { userId: guest.id } })).toBe(0);

    // Without a password nobody signs in as the guest.
    expect(await authenticate(email, "anything-at-all-1", "127.0.0.1")).toBeNull();
    // The organisation's administrator hands over the invitation.
    const { url } = await copyInvitationLink({ actorId: owner.id, organizationId: org.id }, guest.id);
    const token = url.split("/welcome/")[1];
    expect(await findPasswordLink(token)).toEqual({ state: "ok", email });
    await expect(setPasswordByLink(token, "Guest-password-2026")).resolves.toEqual({ email });
    expect(await findPasswordLink(token)).toEqual({ state: "used" });
    await expect(setPasswordByLink(token, "Another-password-2026")).rejects.toBeInstanceOf(UserError);
    expect(await authenticate(email, "Guest-password-2026", "127.0.0.1")).toBe(guest.id);

    const g = await memberOf(guest.id);
    expect((await listFiles(g)).shared.map((f) => f.id)).toEqual([file.id]);
    expect((await download(guest.id, file.id))!.toString()).toBe("shared bytes");
    expect(await download(guest.id, other.id)).toBeNull();
    await expect(upload(guest.id, org.id, Buffer.from("x"))).rejects.toBeInstanceOf(ForbiddenError);

    // Sharing again with the same address reuses the account and issues no new link (a password is set).
    const again = await shareFile(await memberOf(owner.id), other.id, email.toUpperCase().toLowerCase());
    expect(again).toEqual(result);
    expect(await db.user.count({ where: { email } })).toBe(1);
    expect(await db.passwordLink.count({ where: { userId: guest.id } })).toBe(1);
    // The owner's list shows the guest by address only.
    const mine = (await listFiles(await memberOf(owner.id))).owned.find((f) => f.id === other.id)!;
    expect(mine.shares).toEqual([{ user: { id: guest.id, email, name: null } }]);
    await unshareFile(await memberOf(owner.id), file.id, guest.id);
    expect(await download(guest.id, file.id)).toBeNull();
  });

  it("an expired or unknown link sets nothing", async () => {
    const org = await makeOrg();
    const owner = await makeUser({ org });
    const file = await upload(owner.id, org.id, Buffer.from("x"));
    const email = `late-${uid()}@outside.example`;
    await shareFile(await memberOf(owner.id), file.id, email);
    const guest = await db.user.findUniqueOrThrow({ where: { email } });
    const { url } = await copyInvitationLink({ actorId: owner.id, organizationId: org.id }, guest.id);
    const token = url.split("/welcome/")[1];
    await db.passwordLink.updateMany({
      where: { user: { email } },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    expect(await findPasswordLink(token)).toEqual({ state: "expired" });
    await expect(setPasswordByLink(token, "Guest-password-2026")).rejects.toThrow(/expired/);
    expect(await findPasswordLink("x".repeat(43))).toEqual({ state: "unknown" });
    expect((await db.user.findUniqueOrThrow({ where: { email } })).passwordHash).toBeNull();
  });

  it("limits how many new Ad hoc accounts one member creates in an hour", async () => {
    const org = await makeOrg();
    const owner = await makeUser({ org });
    const file = await upload(owner.id, org.id, Buffer.from("x"));
    const m = await memberOf(owner.id);
    // The default allowance: 50 new addresses an hour per member.
    let created = 0;
    let refused: unknown;
    for (let i = 0; i < 60 && !refused; i++) {
      try {
        await shareFile(m, file.id, `flood-${uid()}@outside.example`);
        created++;
      } catch (error) {
        refused = error;
      }
    }
    expect(created).toBe(50);
    expect(refused).toMatchObject({
      message: expect.stringMatching(/^You have shared with many new addresses in the last hour/),
    });
    // Colleagues in the organisation are not counted; anyone else is, whether or not they have an account.
    const outsider = await makeUser({ org: await makeOrg() });
    await expect(shareFile(m, file.id, outsider.email)).rejects.toThrow(/many new addresses/);
    const colleague = await makeUser({ org });
    await expect(shareFile(m, file.id, colleague.email)).resolves.toMatchObject({ email: colleague.email });
  });

  it("the storage check finds orphaned bytes and rows, and removes only the orphaned bytes", async () => {
    const org = await makeOrg();
    const owner = await makeUser({ org });
    const kept = await upload(owner.id, org.id, Buffer.from("kept"), "kept.txt");
    const orphan = crypto.randomUUID();
    await writeBytes(orphan, Buffer.from("left behind"));
    const lost = await db.file.create({
      data: {
        organizationId: org.id,
        ownerId: owner.id,
        name: "lost.txt",
        sizeBytes: 4n,
        mimeType: "text/plain",
        storageKey: crypto.randomUUID(),
      },
    });

    // Just written: it may be an upload whose row is on its way, so it is not an orphan yet.
    expect((await checkStorage()).orphans).not.toContain(orphan);
    const before = await checkStorage({ olderThanMs: 0 });
    expect(before.orphans).toContain(orphan);
    expect(before.missing).toContainEqual({ id: lost.id, name: "lost.txt", owner: owner.email });
    await checkStorage({ removeOrphans: true, olderThanMs: 0 });
    const after = await checkStorage({ olderThanMs: 0 });
    expect(after.orphans).not.toContain(orphan);
    expect(after.missing.map((m) => m.id)).toContain(lost.id);
    expect((await download(owner.id, kept.id))!.toString()).toBe("kept");
  });
});
