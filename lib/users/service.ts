import "server-only";
import { db } from "@/lib/db";
import { audit } from "@/lib/audit";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { endSessions } from "@/lib/auth/session-version";
import { NotFoundError, UserError, isUniqueViolation } from "@/lib/errors";
import { verifiedOwnerOfEmail } from "@/lib/identity/domains";
import { emailDomain } from "@/lib/identity/email";
import type { Role } from "@/lib/generated/prisma/enums";
import type { z } from "zod";
import type { createLocalUserSchema } from "@/lib/users/schema";
import type { OrgCtx } from "@/lib/auth/org-context";

// Serialises changes to the set of platform administrators, so that two revocations at once cannot remove
// the last two.
const PLATFORM_ADMINS_LOCK = 727_002;

export async function createLocalUser(ctx: OrgCtx, input: z.output<typeof createLocalUserSchema>) {
  const owner = await verifiedOwnerOfEmail(input.email);
  if (owner && owner !== ctx.organizationId) {
    const message = `${emailDomain(input.email)} is a verified domain of another organisation.`;
    throw new UserError(message, { email: message });
  }
  const passwordHash = await hashPassword(input.password);
  try {
    return await db.$transaction(async (tx) => {
      const org = await tx.organization.findUniqueOrThrow({
        where: { id: ctx.organizationId },
        select: { defaultPlanId: true },
      });
      const user = await tx.user.create({
        data: {
          email: input.email,
          name: input.name,
          accountName: input.accountName ?? null,
          passwordHash,
          source: "LOCAL",
          passwordChangedAt: new Date(),
          memberships: {
            create: { organizationId: ctx.organizationId, roles: input.roles, planId: org.defaultPlanId },
          },
        },
        select: { id: true, email: true },
      });
      await audit(tx, {
        actorId: ctx.actorId,
        organizationId: ctx.organizationId,
        action: "user.create",
        targetType: "user",
        targetId: user.id,
        details: { email: user.email, roles: input.roles },
      });
      return user;
    });
  } catch (error) {
    if (isUniqueViolation(error, "email"))
      throw new UserError("An account with this email already exists.", {
        email: "An account with this email already exists.",
      });
    throw error;
  }
}

async function membershipInOrg(ctx: OrgCtx, userId: string) {
  const membership = await db.membership.findUnique({
    where: { userId_organizationId: { userId, organizationId: ctx.organizationId } },
    select: {
      id: true,
      roles: true,
      status: true,
      user: {
        select: {
          id: true,
          source: true,
          status: true,
          email: true,
          isPlatformAdmin: true,
          isBuiltinAdmin: true,
          _count: { select: { memberships: true } },
        },
      },
    },
  });
  // Another organisation's user is "not found", never "forbidden": nothing of it is revealed.
  if (!membership) throw new NotFoundError("User not found in this organisation.");
  return membership;
}

/**
 * Whether this organisation owns the account itself (its status, credentials), not only its membership here:
 * the organisation that verified the email's domain; for an address no organisation verified, the only
 * organisation a local account belongs to (an Ad hoc account is only somebody's share: the first sharer does
 * not own it). Directory accounts follow their directory; platform administrators and the built-in
 * administrator belong to no organisation.
 */
export async function ownsAccount(
  organizationId: string,
  user: {
    email: string;
    source: string;
    isPlatformAdmin: boolean;
    isBuiltinAdmin: boolean;
    _count: { memberships: number };
  },
): Promise<boolean> {
  if (user.source === "DIRECTORY" || user.isPlatformAdmin || user.isBuiltinAdmin) return false;
  const owner = await verifiedOwnerOfEmail(user.email);
  return owner ? owner === organizationId : user.source === "LOCAL" && user._count.memberships === 1;
}

export type StatusScope = "membership" | "account";

/**
 * Enables or disables a person. "membership": their membership in this organisation only (any member but
 * oneself). "account": the account itself, everywhere — only for the organisation that owns it.
 */
export async function setUserStatus(
  ctx: OrgCtx,
  userId: string,
  status: "ACTIVE" | "DISABLED",
  scope: StatusScope = "membership",
) {
  const membership = await membershipInOrg(ctx, userId);
  const { user } = membership;
  if (userId === ctx.actorId && status === "DISABLED")
    throw new UserError("You cannot disable your own account.");
  if (scope === "account") {
    if (user.source === "DIRECTORY")
      throw new UserError(
        "This account comes from a directory: disable or enable it there; the next sync applies it.",
      );
    if (!(await ownsAccount(ctx.organizationId, user)))
      throw new UserError(
        "This account belongs to another organisation: you can disable its membership here, not the account.",
      );
    if (user.status === "PENDING_TRANSFER") throw new UserError("Transfer this user's files first.");
  }
  await db.$transaction(async (tx) => {
    if (scope === "account")
      await tx.user.update({
        where: { id: userId },
        // Disabling ends the account's sessions as well.
        data: { status, ...(status === "DISABLED" ? { sessionVersion: { increment: 1 } } : {}) },
      });
    else await tx.membership.update({ where: { id: membership.id }, data: { status } });
    await audit(tx, {
      actorId: ctx.actorId,
      organizationId: ctx.organizationId,
      action:
        `${scope === "account" ? "user" : "membership"}.` + (status === "DISABLED" ? "disable" : "enable"),
      targetType: "user",
      targetId: userId,
      details: { email: user.email },
    });
  });
}

export async function setLocalRoles(ctx: OrgCtx, userId: string, roles: Role[]) {
  const membership = await membershipInOrg(ctx, userId);
  if (membership.user.source === "DIRECTORY")
    throw new UserError("The roles of a directory user follow the directory.");
  if (userId === ctx.actorId && membership.roles.includes("ORG_ADMIN") && !roles.includes("ORG_ADMIN")) {
    throw new UserError("You cannot remove your own administrator role; ask another administrator.");
  }
  const unique = [...new Set(roles)];
  await db.$transaction(async (tx) => {
    await tx.membership.update({ where: { id: membership.id }, data: { roles: unique } });
    await endSessions(tx, userId);
    await audit(tx, {
      actorId: ctx.actorId,
      organizationId: ctx.organizationId,
      action: "user.set-roles",
      targetType: "user",
      targetId: userId,
      details: { email: membership.user.email, from: membership.roles, to: unique },
    });
  });
}

/**
 * Platform administrators grant the organisation-administrator role to any user, local or directory
 * (seed 004).
 */
export async function grantOrgAdmin(actorId: string | null, userId: string, organizationId: string) {
  await db.$transaction(async (tx) => {
    const [user, org] = await Promise.all([
      tx.user.findUnique({ where: { id: userId }, select: { email: true } }),
      tx.organization.findUnique({
        where: { id: organizationId },
        select: { defaultPlanId: true, slug: true },
      }),
    ]);
    if (!user || !org) throw new NotFoundError("User or organisation not found.");
    const existing = await tx.membership.findUnique({
      where: { userId_organizationId: { userId, organizationId } },
      select: { id: true, roles: true },
    });
    if (existing?.roles.includes("ORG_ADMIN"))
      throw new UserError(`${user.email} is already an administrator of ${org.slug}.`);
    if (existing)
      await tx.membership.update({
        where: { id: existing.id },
        data: { roles: [...existing.roles, "ORG_ADMIN"] },
      });
    else
      await tx.membership.create({
        data: { userId, organizationId, roles: ["ORG_ADMIN"], planId: org.defaultPlanId },
      });
    await endSessions(tx, userId);
    await audit(tx, {
      actorId,
      organizationId,
      action: "role.grant-org-admin",
      targetType: "user",
      targetId: userId,
      details: { email: user.email },
    });
  });
}

export async function revokeOrgAdmin(actorId: string | null, userId: string, organizationId: string) {
  await db.$transaction(async (tx) => {
    const existing = await tx.membership.findUnique({
      where: { userId_organizationId: { userId, organizationId } },
      select: { id: true, roles: true, user: { select: { email: true } } },
    });
    if (!existing?.roles.includes("ORG_ADMIN"))
      throw new UserError("This user is not an administrator of that organisation.");
    const roles = existing.roles.filter((r) => r !== "ORG_ADMIN");
    // A membership that existed only for the administrator role goes with it.
    if (roles.length === 0) await tx.membership.delete({ where: { id: existing.id } });
    else await tx.membership.update({ where: { id: existing.id }, data: { roles } });
    await endSessions(tx, userId);
    await audit(tx, {
      actorId,
      organizationId,
      action: "role.revoke-org-admin",
      targetType: "user",
      targetId: userId,
      details: { email: existing.user.email },
    });
  });
}

export async function setPlatformAdmin(actorId: string | null, userId: string, grant: boolean) {
  await db.$transaction(async (tx) => {
    await tx.$executeRaw`select pg_advisory_xact_lock(${PLATFORM_ADMINS_LOCK})`;
    const user = await tx.user.findUnique({
      where: { id: userId },
      select: { email: true, isPlatformAdmin: true, isBuiltinAdmin: true, status: true },
    });
    if (!user) throw new NotFoundError("User not found.");
    if (user.isPlatformAdmin === grant)
      throw new UserError(
        grant
          ? `${user.email} is already a platform administrator.`
          : `${user.email} is not a platform administrator.`,
      );
    if (!grant) {
      if (user.isBuiltinAdmin)
        throw new UserError(
          "The built-in administrator is always a platform administrator; " +
            "turn it off with ADMIN_ENABLED=false instead.",
        );
      const others = await tx.user.count({
        where: { isPlatformAdmin: true, status: "ACTIVE", id: { not: userId } },
      });
      if (others === 0) throw new UserError("The last platform administrator cannot be removed.");
    }
    await tx.user.update({ where: { id: userId }, data: { isPlatformAdmin: grant } });
    await endSessions(tx, userId);
    await audit(tx, {
      actorId,
      action: grant ? "role.grant-platform-admin" : "role.revoke-platform-admin",
      targetType: "user",
      targetId: userId,
      details: { email: user.email },
    });
  });
}

export async function changeOwnPassword(userId: string, currentPassword: string, newPassword: string) {
  const user = await db.user.findUnique({
    where: { id: userId },
    select: { source: true, passwordHash: true },
  });
  if (!user) throw new NotFoundError();
  if (user.source === "DIRECTORY")
    throw new UserError("Your password is managed by your directory: change it there.");
  if (!(await verifyPassword(user.passwordHash, currentPassword))) {
    throw new UserError("The current password is not right.", {
      currentPassword: "The current password is not right.",
    });
  }
  const passwordHash = await hashPassword(newPassword);
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: userId }, data: { passwordHash, passwordChangedAt: new Date() } });
    // Every session ends, this one too: the form signs the person out and in again with the new password.
    await endSessions(tx, userId);
    await audit(tx, {
      actorId: userId,
      action: "user.change-password",
      targetType: "user",
      targetId: userId,
    });
  });
}

/** Break-glass: sets a new password for a local account or the built-in administrator (CLI only). */
export async function resetPassword(email: string, newPassword: string) {
  const user = await db.user.findUnique({
    where: { email: email.trim().toLowerCase() },
    select: { id: true, source: true },
  });
  if (!user) throw new UserError(`No account with the email ${email}.`);
  if (user.source === "DIRECTORY")
    throw new UserError("This is a directory account: its password is managed by the directory.");
  const passwordHash = await hashPassword(newPassword);
  await db.$transaction(async (tx) => {
    await tx.user.update({
      where: { id: user.id },
      data: { passwordHash, passwordChangedAt: new Date(), status: "ACTIVE" },
    });
    await endSessions(tx, user.id);
    await audit(tx, {
      actorId: null,
      action: "user.reset-password",
      targetType: "user",
      targetId: user.id,
      details: { via: "cli" },
    });
  });
}
