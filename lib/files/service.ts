import "server-only";
import crypto from "node:crypto";
import { db } from "@/lib/db";
import { hashLinkToken, newLinkToken } from "@/lib/crypto";
import { audit } from "@/lib/audit";
import { ForbiddenError, NotFoundError, UserError } from "@/lib/errors";
import { type Actor, canInOrg, ROLE_LABELS } from "@/lib/auth/permissions";
import { hashPassword } from "@/lib/auth/password";
import { consumeAdhocInvite, TooManyAttemptsError } from "@/lib/auth/rate-limit";
import { mailConfigured, publicUrl, sendMail } from "@/lib/mail";
import { fileNameField, formatBytes } from "@/lib/files/schema";
import { removeStored, storedKeys, TooLargeError, writeStream } from "@/lib/files/storage";

export type Member = Actor & { email: string; name: string };

const NOT_FOUND = "File not found.";
const LINK_DAYS = 7;

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
  return `Not enough space: ${what} the ${formatBytes(left)} left of your plan ${q.plan} (${formatBytes(q.quota)}). Delete files or ask an administrator for a larger plan.`;
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
      `Your role in this organisation (${roleName(member, input.organizationId)}) can open files shared with you, not upload.`,
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
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`quota:${member.id}:${input.organizationId}`}))`;
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

/** What a member sees on /files: their own files per organisation with shares, and the files shared with them. */
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
          select: { user: { select: { id: true, email: true, name: true, source: true } } },
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
  return {
    owned,
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

/** Deletes the record first, then the bytes: a crash between the two leaves an orphan on disk, never a dead link. */
export async function deleteFile(member: Member, fileId: string) {
  const file = await ownFile(member, fileId);
  await db.file.delete({ where: { id: file.id } });
  await removeStored(file.storageKey);
  return { name: file.name };
}

export type ShareResult = {
  email: string;
  /** An Ad hoc account was created for an address without one. */
  createdAdhoc: boolean;
  /** The one-time link with which the recipient sets a password: shown to the sharer only when it could not be e-mailed. */
  inviteUrl?: string;
  emailed: boolean;
};

/**
 * Shares a file with a person by email. An address without an account gets an Ad hoc account (seed 004) in the
 * file's organisation and a one-time link to set a password; a person with an account outside the organisation
 * joins it as Ad hoc. Only the owner, with a role that may share (Originator, organisation administrator), can.
 */
export async function shareFile(member: Member, fileId: string, email: string): Promise<ShareResult> {
  const file = await ownFile(member, fileId);
  if (!canInOrg(member, file.organizationId, "files:own")) {
    throw new ForbiddenError(
      `Your role in this organisation (${roleName(member, file.organizationId)}) can upload files but not share them.`,
    );
  }
  if (email === member.email)
    throw new UserError("You own this file already.", { email: "Enter someone else's email." });

  if (!(await db.user.findUnique({ where: { email }, select: { id: true } }))) {
    try {
      await consumeAdhocInvite(member.id);
    } catch (error) {
      if (error instanceof TooManyAttemptsError) {
        throw new UserError(
          `You have shared with many new addresses in the last hour. Try again in ${Math.ceil(error.retryAfterSeconds / 60)} minutes, or share with people who have an account.`,
          { email: "Too many new addresses in the last hour." },
        );
      }
      throw error;
    }
  }
  const token = newLinkToken();
  const outcome = await db.$transaction(async (tx) => {
    const org = await tx.organization.findUniqueOrThrow({
      where: { id: file.organizationId },
      select: { defaultPlanId: true },
    });
    let recipient = await tx.user.findUnique({
      where: { email },
      select: { id: true, source: true, passwordHash: true },
    });
    let createdAdhoc = false;
    if (!recipient) {
      recipient = await tx.user.create({
        data: { email, name: email.split("@")[0], source: "ADHOC" },
        select: { id: true, source: true, passwordHash: true },
      });
      createdAdhoc = true;
      await audit(tx, {
        actorId: member.id,
        organizationId: file.organizationId,
        action: "user.create-adhoc",
        targetType: "user",
        targetId: recipient.id,
        details: { email, file: file.name },
      });
    }
    const membership = await tx.membership.findUnique({
      where: { userId_organizationId: { userId: recipient.id, organizationId: file.organizationId } },
      select: { id: true },
    });
    if (!membership)
      await tx.membership.create({
        data: {
          userId: recipient.id,
          organizationId: file.organizationId,
          roles: ["ADHOC"],
          planId: org.defaultPlanId,
        },
      });
    await tx.fileShare.upsert({
      where: { fileId_userId: { fileId: file.id, userId: recipient.id } },
      update: {},
      create: { fileId: file.id, userId: recipient.id },
    });
    // An Ad hoc person who has not set a password yet gets a (new) link each time something is shared.
    const needsLink = recipient.source === "ADHOC" && !recipient.passwordHash;
    if (needsLink) {
      await tx.passwordLink.create({
        data: {
          userId: recipient.id,
          tokenHash: hashLinkToken(token),
          createdById: member.id,
          expiresAt: new Date(Date.now() + LINK_DAYS * 86_400_000),
        },
      });
    }
    return { createdAdhoc, needsLink };
  });

  const link = outcome.needsLink ? publicUrl(`/welcome/${token}`) : undefined;
  let emailed = false;
  if (mailConfigured()) {
    const text = [
      `${member.name} <${member.email}> shared "${file.name}" with you.`,
      "",
      link
        ? `Set a password to open it (the link works once, for ${LINK_DAYS} days):\n${link}`
        : `Sign in to open it: ${publicUrl("/files")}`,
    ].join("\n");
    try {
      await sendMail({ to: email, subject: `${member.name} shared "${file.name}" with you`, text });
      emailed = true;
    } catch (error) {
      console.error("share e-mail failed", (error as Error).message);
    }
  }
  return {
    email,
    createdAdhoc: outcome.createdAdhoc,
    emailed,
    inviteUrl: link && !emailed ? link : undefined,
  };
}

export async function unshareFile(member: Member, fileId: string, userId: string) {
  const file = await ownFile(member, fileId);
  await db.fileShare.deleteMany({ where: { fileId: file.id, userId } });
}

// --- One-time password links for Ad hoc accounts (/welcome/[token]) ---

export type LinkState = { state: "unknown" | "used" | "expired" } | { state: "ok"; email: string };

export async function findPasswordLink(token: string): Promise<LinkState> {
  if (!/^[\w-]{20,100}$/.test(token)) return { state: "unknown" };
  const link = await db.passwordLink.findUnique({
    where: { tokenHash: hashLinkToken(token) },
    select: { usedAt: true, expiresAt: true, user: { select: { email: true, source: true, status: true } } },
  });
  if (!link || link.user.source !== "ADHOC" || link.user.status !== "ACTIVE") return { state: "unknown" };
  if (link.usedAt) return { state: "used" };
  if (link.expiresAt < new Date()) return { state: "expired" };
  return { state: "ok", email: link.user.email };
}

/** Sets the Ad hoc account's password and spends the link (and any other open link of the account). */
export async function setPasswordByLink(token: string, password: string): Promise<{ email: string }> {
  const state = await findPasswordLink(token);
  if (state.state !== "ok")
    throw new UserError(
      state.state === "expired"
        ? "This link has expired. Ask the person who shared the file to share it again."
        : "This link is no longer valid.",
    );
  const passwordHash = await hashPassword(password);
  return db.$transaction(async (tx) => {
    const now = new Date();
    const spent = await tx.passwordLink.updateMany({
      where: { tokenHash: hashLinkToken(token), usedAt: null },
      data: { usedAt: now },
    });
    if (spent.count !== 1) throw new UserError("This link is no longer valid.");
    const user = await tx.user.update({
      where: { email: state.email },
      data: { passwordHash, passwordChangedAt: now },
      select: { id: true, email: true },
    });
    await tx.passwordLink.updateMany({ where: { userId: user.id, usedAt: null }, data: { usedAt: now } });
    return { email: user.email };
  });
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
 * Bytes on disk that no file row names (left by a crash between deleting a row and its bytes, or by a restored
 * database), and file rows whose bytes are missing. With `removeOrphans`, the orphaned bytes are deleted; rows are
 * never touched.
 */
export async function checkStorage(options: { removeOrphans?: boolean; olderThanMs?: number } = {}) {
  const stored = await storedKeys();
  const onDisk = new Set(stored.map((s) => s.key));
  const rows = await db.file.findMany({
    select: { id: true, name: true, storageKey: true, owner: { select: { email: true } } },
  });
  const known = new Set(rows.map((r) => r.storageKey));
  // An upload's bytes land a moment before its row: only bytes older than this (an hour by default) are orphans.
  const cutoff = Date.now() - (options.olderThanMs ?? 3_600_000);
  const orphans = stored.filter((s) => !known.has(s.key) && s.writtenAt < cutoff).map((s) => s.key);
  const missing = rows
    .filter((r) => !onDisk.has(r.storageKey))
    .map((r) => ({ id: r.id, name: r.name, owner: r.owner.email }));
  if (options.removeOrphans) for (const key of orphans) await removeStored(key);
  return { files: rows.length, orphans, missing };
}
