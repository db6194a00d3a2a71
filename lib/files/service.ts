import "server-only";
import crypto from "node:crypto";
import { db } from "@/lib/db";
import { audit } from "@/lib/audit";
import { ForbiddenError, NotFoundError, UserError } from "@/lib/errors";
import { type Actor, canInOrg, ROLE_LABELS } from "@/lib/auth/permissions";
import { consumeAdhocInvite, TooManyAttemptsError } from "@/lib/auth/rate-limit";
import { mailConfigured, publicUrl, sendMail } from "@/lib/mail";
import { fileNameField, formatBytes } from "@/lib/files/schema";
import { verifiedOwnerOfEmail } from "@/lib/identity/domains";
import { removeStored, storedKeys, TooLargeError, writeStream } from "@/lib/files/storage";
import { issueLink, LINK_DAYS, linkRefusal, revokeOpenLinks, withAddressLock } from "@/lib/files/invitations";

export type Member = Actor & { email: string; name: string };

const NOT_FOUND = "File not found.";

function roleName(member: Member, organizationId: string): string {
  const roles = member.roles[organizationId] ?? [];
  return roles.map((r) => ROLE_LABELS[r]).join(", ") || "none";
}

async function quotaOf(userId: string, organizationId: string) {
  const membership = await db.membership.findUnique({
    where: { userId_organizationId: { userId, organizationId } },
    select: { plan: { select: { name: true, storageQuotaBytes: true } } },
  });
  if (!membership) throw new ForbiddenError("You are not a member of this organisation.");
  const used = await db.file.aggregate({
    where: { ownerId: userId, organizationId },
    _sum: { sizeBytes: true },
  });
  return {
    plan: membership.plan.name,
    quota: membership.plan.storageQuotaBytes,
    used: used._sum.sizeBytes ?? 0n,
  };
}

function quotaMessage(size: bigint | number | null, q: { plan: string; quota: bigint; used: bigint }) {
  const left = q.quota > q.used ? q.quota - q.used : 0n;
  const what = size === null ? "This file is larger than" : `This file (${formatBytes(size)}) is larger than`;
  return (
    `Not enough space: ${what} the ${formatBytes(left)} left of your plan ` +
    `${q.plan} (${formatBytes(q.quota)}). ` +
    "Delete files or ask an administrator for a larger plan."
  );
}

export type UploadInput = {
  organizationId: string;
  name: string;
  mimeType: string;
  /** Content-Length when the browser sent one: refused at once when it cannot fit. */
  declaredSize: number | null;
  body: AsyncIterable<Uint8Array> | NodeJS.ReadableStream;
};

/**
 * Streams an upload to disk and records it, inside the uploader's plan quota. The quota is checked before
 * reading (declared size), while reading (the stream stops at the space left), and again under a per-user
 * lock when recording, so that two parallel uploads cannot together pass it.
 */
export async function uploadFile(member: Member, input: UploadInput) {
  if (!canInOrg(member, input.organizationId, "files:upload")) {
    throw new ForbiddenError(
      `Your role in this organisation (${roleName(member, input.organizationId)}) ` +
        "can open files shared with you, not upload.",
    );
  }
  const name = fileNameField.safeParse(input.name);
  if (!name.success)
    throw new UserError(name.error.issues[0].message, { name: name.error.issues[0].message });
  const mimeType =
    /^[\w.+-]+\/[\w.+-]+$/.test(input.mimeType) && input.mimeType.length <= 127
      ? input.mimeType
      : "application/octet-stream";

  const before = await quotaOf(member.id, input.organizationId);
  const left = before.quota - before.used;
  if (input.declaredSize !== null && BigInt(input.declaredSize) > left)
    throw new UserError(quotaMessage(input.declaredSize, before));

  const storageKey = crypto.randomUUID();
  let size: number;
  try {
    size = await writeStream(storageKey, input.body, Number(left < 0n ? 0n : left));
  } catch (error) {
    if (error instanceof TooLargeError) throw new UserError(quotaMessage(null, before));
    throw error;
  }
  try {
    return await db.$transaction(async (tx) => {
      const lockKey = `quota:${member.id}:${input.organizationId}`;
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${lockKey}))`;
      const used = await tx.file.aggregate({
        where: { ownerId: member.id, organizationId: input.organizationId },
        _sum: { sizeBytes: true },
      });
      if ((used._sum.sizeBytes ?? 0n) + BigInt(size) > before.quota)
        throw new UserError(quotaMessage(size, { ...before, used: used._sum.sizeBytes ?? 0n }));
      return tx.file.create({
        data: {
          organizationId: input.organizationId,
          ownerId: member.id,
          name: name.data,
          mimeType,
          sizeBytes: BigInt(size),
          storageKey,
        },
        select: { id: true, name: true, sizeBytes: true },
      });
    });
  } catch (error) {
    await removeStored(storageKey);
    throw error;
  }
}

/**
 * What a member sees on /files: their own files per organisation with shares, and the files shared with them.
 */
export async function listFiles(member: Member) {
  const [owned, shared, memberships] = await Promise.all([
    db.file.findMany({
      where: { ownerId: member.id },
      orderBy: { createdAt: "desc" },
      select: {
        id: true,
        name: true,
        sizeBytes: true,
        mimeType: true,
        createdAt: true,
        organizationId: true,
        shares: {
          orderBy: { createdAt: "asc" },
          select: { user: { select: { id: true, email: true, name: true } } },
        },
      },
    }),
    db.fileShare.findMany({
      where: { userId: member.id },
      orderBy: { createdAt: "desc" },
      select: {
        createdAt: true,
        file: {
          select: {
            id: true,
            name: true,
            sizeBytes: true,
            organizationId: true,
            owner: { select: { email: true, name: true } },
          },
        },
      },
    }),
    db.membership.findMany({
      where: { userId: member.id },
      orderBy: { createdAt: "asc" },
      select: {
        organizationId: true,
        roles: true,
        organization: { select: { name: true, slug: true } },
        plan: { select: { name: true, storageQuotaBytes: true } },
      },
    }),
  ]);
  const used = new Map<string, bigint>();
  for (const f of owned) used.set(f.organizationId, (used.get(f.organizationId) ?? 0n) + f.sizeBytes);
  const colleagues = await colleaguesAmong(owned);
  return {
    owned: owned.map((f) => ({
      ...f,
      // A recipient who is not a colleague in the file's organisation is shown by address only: their name
      // or account kind would tell the sharer whether the address had an account before the share.
      shares: f.shares.map(({ user }) => {
        const colleague = colleagues.has(`${user.id}:${f.organizationId}`);
        return { user: { id: user.id, email: user.email, name: colleague ? user.name : null } };
      }),
    })),
    shared: shared
      .filter((s) => canInOrg(member, s.file.organizationId, "files:open-shared"))
      .map((s) => ({ ...s.file, sharedAt: s.createdAt })),
    organizations: memberships.map((m) => ({
      id: m.organizationId,
      slug: m.organization.slug,
      name: m.organization.name,
      plan: m.plan.name,
      quota: m.plan.storageQuotaBytes,
      used: used.get(m.organizationId) ?? 0n,
      canUpload: canInOrg(member, m.organizationId, "files:upload"),
      canShare: canInOrg(member, m.organizationId, "files:own"),
    })),
  };
}

/** "userId:organizationId" of share recipients whose role in the file's organisation is more than Ad hoc. */
async function colleaguesAmong(owned: { organizationId: string; shares: { user: { id: string } }[] }[]) {
  const userIds = [...new Set(owned.flatMap((f) => f.shares.map((s) => s.user.id)))];
  if (userIds.length === 0) return new Set<string>();
  const rows = await db.membership.findMany({
    where: {
      userId: { in: userIds },
      organizationId: { in: [...new Set(owned.map((f) => f.organizationId))] },
      roles: { hasSome: ["ORIGINATOR", "COLLABORATOR", "ORG_ADMIN"] },
    },
    select: { userId: true, organizationId: true },
  });
  return new Set(rows.map((r) => `${r.userId}:${r.organizationId}`));
}

/**
 * The file a member may download: their own, or one shared with them in an organisation where their role may
 * open shared files. Anything else is "not found", whether or not the id exists.
 */
export async function openFile(member: Member, fileId: string) {
  if (!/^[0-9a-f-]{36}$/i.test(fileId)) return null;
  const file = await db.file.findFirst({
    where: { id: fileId, OR: [{ ownerId: member.id }, { shares: { some: { userId: member.id } } }] },
    select: {
      id: true,
      name: true,
      mimeType: true,
      sizeBytes: true,
      storageKey: true,
      ownerId: true,
      organizationId: true,
    },
  });
  if (!file) return null;
  if (file.ownerId !== member.id && !canInOrg(member, file.organizationId, "files:open-shared")) return null;
  return file;
}

async function ownFile(member: Member, fileId: string) {
  const file = await db.file.findFirst({
    where: { id: fileId, ownerId: member.id },
    select: { id: true, name: true, storageKey: true, organizationId: true },
  });
  if (!file) throw new NotFoundError(NOT_FOUND);
  return file;
}

export async function renameFile(member: Member, fileId: string, name: string) {
  const file = await ownFile(member, fileId);
  await db.file.update({ where: { id: file.id }, data: { name } });
  return { id: file.id, name };
}

/**
 * Deletes the record first, then the bytes: a crash between the two leaves an orphan on disk, never a dead
 * link.
 */
export async function deleteFile(member: Member, fileId: string) {
  const file = await ownFile(member, fileId);
  await db.file.delete({ where: { id: file.id } });
  await removeStored(file.storageKey);
  return { name: file.name };
}

export type ShareResult = {
  email: string;
  /** The same words whether or not the address has an account: a share never tells who exists. */
  message: string;
};

function shareMessage(email: string): string {
  return mailConfigured()
    ? `Shared with ${email}. They get an e-mail about it.`
    : `Shared with ${email}. No e-mail server is configured: let them know. ` +
        "If they are new here, your organisation's administrators can give them an invitation link.";
}

/** Members of the file's organisation were chosen by their colleagues already; anyone else counts as new. */
async function countsAsNewAddress(email: string, organizationId: string): Promise<boolean> {
  const member = await db.membership.findFirst({
    where: { organizationId, user: { email } },
    select: { id: true },
  });
  return !member;
}

async function consumeNewAddress(memberId: string) {
  try {
    await consumeAdhocInvite(memberId);
  } catch (error) {
    if (error instanceof TooManyAttemptsError) {
      const minutes = Math.ceil(error.retryAfterSeconds / 60);
      throw new UserError(
        `You have shared with many new addresses in the last hour. Try again in ${minutes} minutes, ` +
          "or share with people in your organisation.",
        { email: "Too many new addresses in the last hour." },
      );
    }
    throw error;
  }
}

type ShareFileRow = { id: string; name: string; organizationId: string };

/**
 * Under the address's lock: the recipient's account (a new Ad hoc one when there is none), the membership,
 * the share, and the invitation decision. Returns the set-password link when one was issued for e-mailing.
 */
async function recordShare(member: Member, file: ShareFileRow, email: string) {
  const mail = mailConfigured();
  const owner = await verifiedOwnerOfEmail(email);
  return withAddressLock(email, async (tx) => {
    const select = { id: true, email: true, source: true, status: true, passwordHash: true } as const;
    let recipient = await tx.user.findUnique({ where: { email }, select });
    if (!recipient) {
      recipient = await tx.user.create({
        data: { email, name: email.split("@")[0], source: "ADHOC" },
        select,
      });
      await audit(tx, {
        actorId: member.id,
        organizationId: file.organizationId,
        action: "user.create-adhoc",
        targetType: "user",
        targetId: recipient.id,
        details: { email, file: file.name },
      });
    }
    const org = await tx.organization.findUniqueOrThrow({
      where: { id: file.organizationId },
      select: { defaultPlanId: true },
    });
    const joined = await tx.membership.createMany({
      data: [
        {
          userId: recipient.id,
          organizationId: file.organizationId,
          roles: ["ADHOC"],
          planId: org.defaultPlanId,
        },
      ],
      skipDuplicates: true,
    });
    await tx.fileShare.createMany({
      data: [{ fileId: file.id, userId: recipient.id }],
      skipDuplicates: true,
    });

    const refusal = await linkRefusal(tx, file.organizationId, recipient, owner, "email");
    // Only an e-mailed link reaches the person: without SMTP nothing is issued at share time.
    if (!refusal && mail)
      return issueLink(tx, {
        userId: recipient.id,
        organizationId: file.organizationId,
        actorId: member.id,
        emailed: true,
      });
    // Another organisation now shares with someone who has no password yet: a link an administrator
    // copied would open this organisation's files without proof of the address, so it stops working.
    if (joined.count > 0 && !recipient.passwordHash)
      await revokeOpenLinks(tx, recipient.id, { emailed: false });
    return undefined;
  });
}

async function sendShareMail(member: Member, file: ShareFileRow, email: string, link: string | undefined) {
  const text = [
    `${member.name} <${member.email}> shared "${file.name}" with you.`,
    "",
    link
      ? `Set a password to open it (the link works once, for ${LINK_DAYS} days):\n${link}`
      : `Sign in to open it: ${publicUrl("/files")}`,
  ].join("\n");
  try {
    await sendMail({ to: email, subject: `${member.name} shared "${file.name}" with you`, text });
  } catch (error) {
    // The sharer's answer stays the same: a failure tells nothing about the address.
    console.error("share e-mail failed", (error as Error).message);
  }
}

/**
 * Shares a file with a person by email. An address without an account gets an Ad hoc account (seed 004)
 * in the file's organisation; a person with an account outside the organisation joins it as Ad hoc. The
 * answer is the same either way. A set-password link is only ever e-mailed to the address, and only by the
 * organisation that invited the person (lib/files/invitations.ts); it is never shown to the sharer. Only the
 * owner, with a role that may share (Originator, organisation administrator), can.
 */
export async function shareFile(member: Member, fileId: string, email: string): Promise<ShareResult> {
  const file = await ownFile(member, fileId);
  if (!canInOrg(member, file.organizationId, "files:own")) {
    const role = roleName(member, file.organizationId);
    throw new ForbiddenError(`Your role in this organisation (${role}) can upload files but not share them.`);
  }
  if (email === member.email)
    throw new UserError("You own this file already.", { email: "Enter someone else's email." });
  if (await countsAsNewAddress(email, file.organizationId)) await consumeNewAddress(member.id);

  const link = await recordShare(member, file, email);
  if (mailConfigured()) await sendShareMail(member, file, email, link);
  return { email, message: shareMessage(email) };
}

export async function unshareFile(member: Member, fileId: string, userId: string) {
  const file = await ownFile(member, fileId);
  await db.fileShare.deleteMany({ where: { fileId: file.id, userId } });
}

// --- For organisation administrators: counts and sizes, never contents ---

export async function fileTotalsByUser(organizationId: string, userIds: string[]) {
  if (userIds.length === 0) return new Map<string, { count: number; bytes: bigint }>();
  const rows = await db.file.groupBy({
    by: ["ownerId"],
    where: { organizationId, ownerId: { in: userIds } },
    _count: { _all: true },
    _sum: { sizeBytes: true },
  });
  return new Map(rows.map((r) => [r.ownerId, { count: r._count._all, bytes: r._sum.sizeBytes ?? 0n }]));
}

// --- For operators: the storage directory against the database ---

/**
 * Bytes on disk that no file row names (left by a crash between deleting a row and its bytes, or by a
 * restored database), and file rows whose bytes are missing. With `removeOrphans`, the orphaned bytes are
 * deleted; rows are never touched.
 */
export async function checkStorage(options: { removeOrphans?: boolean; olderThanMs?: number } = {}) {
  const stored = await storedKeys();
  const onDisk = new Set(stored.map((s) => s.key));
  const rows = await db.file.findMany({
    select: { id: true, name: true, storageKey: true, owner: { select: { email: true } } },
  });
  const known = new Set(rows.map((r) => r.storageKey));
  // An upload's bytes land a moment before its row: only bytes older than this (an hour by default) are
  // orphans.
  const cutoff = Date.now() - (options.olderThanMs ?? 3_600_000);
  const orphans = stored.filter((s) => !known.has(s.key) && s.writtenAt < cutoff).map((s) => s.key);
  const missing = rows
    .filter((r) => !onDisk.has(r.storageKey))
    .map((r) => ({ id: r.id, name: r.name, owner: r.owner.email }));
  if (options.removeOrphans) for (const key of orphans) await removeStored(key);
  return { files: rows.length, orphans, missing };
}
