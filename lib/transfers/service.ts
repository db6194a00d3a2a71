import "server-only";
import { db } from "@/lib/db";
import { audit } from "@/lib/audit";
import { NotFoundError, UserError } from "@/lib/errors";
import type { OrgCtx } from "@/lib/auth/org-context";

/**
 * Moves every file (and its shares) of a user who left the directory to another active member of the same
 * organisation, in one transaction; the notifications about the source resolve, and the source account, now
 * owning nothing, is disabled (DESIGN.md rule 5).
 */
export async function transferOwnership(ctx: OrgCtx, fromUserId: string, toUserId: string) {
  if (fromUserId === toUserId)
    throw new UserError("Choose another user to receive the files.", { toUserId: "Choose another user." });
  return db.$transaction(async (tx) => {
    const [from, to] = await Promise.all([
      tx.membership.findUnique({
        where: { userId_organizationId: { userId: fromUserId, organizationId: ctx.organizationId } },
        select: {
          user: {
            select: {
              id: true,
              email: true,
              status: true,
              connection: { select: { organizationId: true } },
              _count: { select: { memberships: true } },
            },
          },
        },
      }),
      tx.membership.findUnique({
        where: { userId_organizationId: { userId: toUserId, organizationId: ctx.organizationId } },
        select: { roles: true, user: { select: { id: true, email: true, status: true } } },
      }),
    ]);
    if (!from) throw new NotFoundError("User not found in this organisation.");
    if (!to)
      throw new UserError("The receiving user is not in this organisation.", {
        toUserId: "Choose a member of this organisation.",
      });
    if (to.user.status !== "ACTIVE")
      throw new UserError("The receiving user must be active.", { toUserId: "Choose an active user." });
    if (!to.roles.some((r) => r === "ORIGINATOR" || r === "ORG_ADMIN"))
      throw new UserError("The receiving user must be able to own files (Originator or administrator).", {
        toUserId: "Choose an Originator or an organisation administrator.",
      });
    const files = await tx.file.findMany({
      where: { ownerId: fromUserId, organizationId: ctx.organizationId },
      select: { id: true },
    });
    const ids = files.map((f) => f.id);
    await tx.file.updateMany({ where: { id: { in: ids } }, data: { ownerId: toUserId } });
    // A share with the new owner is pointless now.
    await tx.fileShare.deleteMany({ where: { fileId: { in: ids }, userId: toUserId } });
    await tx.notification.updateMany({
      where: { organizationId: ctx.organizationId, userId: fromUserId, resolvedAt: null },
      data: { resolvedAt: new Date() },
    });
    // The account itself is disabled only by the organisation whose directory marked it pending transfer, and
    // only once it owns no file in any organisation.
    if (
      from.user.status === "PENDING_TRANSFER" &&
      (from.user.connection
        ? from.user.connection.organizationId === ctx.organizationId
        : from.user._count.memberships === 1) &&
      (await tx.file.count({ where: { ownerId: fromUserId } })) === 0
    )
      await tx.user.update({ where: { id: fromUserId }, data: { status: "DISABLED" } });
    await tx.syncEvent.create({
      data: {
        userId: fromUserId,
        action: "files-transferred",
        details: { to: to.user.email, files: ids.length },
      },
    });
    await audit(tx, {
      actorId: ctx.actorId,
      organizationId: ctx.organizationId,
      action: "files.transfer",
      targetType: "user",
      targetId: fromUserId,
      details: { from: from.user.email, to: to.user.email, files: ids.length },
    });
    return { files: ids.length, from: from.user.email, to: to.user.email };
  });
}

export async function openNotifications(organizationId: string) {
  return db.notification.findMany({
    where: { organizationId, resolvedAt: null },
    orderBy: { createdAt: "desc" },
    select: {
      id: true,
      kind: true,
      createdAt: true,
      details: true,
      user: {
        select: { id: true, email: true, name: true, status: true, _count: { select: { files: true } } },
      },
      targetUser: { select: { id: true, email: true, name: true } },
    },
  });
}

export async function openNotificationCount(organizationId: string) {
  return db.notification.count({ where: { organizationId, resolvedAt: null } });
}

export async function transferTargets(organizationId: string) {
  return db.membership.findMany({
    where: { organizationId, user: { status: "ACTIVE" }, roles: { hasSome: ["ORIGINATOR", "ORG_ADMIN"] } },
    orderBy: { user: { email: "asc" } },
    take: 1000,
    select: { user: { select: { id: true, email: true, name: true } } },
  });
}
