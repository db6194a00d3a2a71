import "server-only";
import { db } from "@/lib/db";
import { audit } from "@/lib/audit";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { NotFoundError, UserError, isUniqueViolation } from "@/lib/errors";
import type { Role } from "@/lib/generated/prisma/enums";
import type { z } from "zod";
import type { createLocalUserSchema } from "@/lib/users/schema";
import type { OrgCtx } from "@/lib/auth/org-context";

// Serialises changes to the set of platform administrators, so that two revocations at once cannot remove
// the last two.
const PLATFORM_ADMINS_LOCK = 727_002;

export async function createLocalUser(ctx: OrgCtx, input: z.output<typeof createLocalUserSchema>) {
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
      user: { select: { id: true, source: true, status: true, email: true } },
    },
  });
  // Another organisation's user is "not found", never "forbidden": nothing of it is revealed.
  if (!membership) throw new NotFoundError("User not found in this organisation.");
  return membership;
}

export async function setUserStatus(ctx: OrgCtx, userId: string, status: "ACTIVE" | "DISABLED") {
  const { user } = await membershipInOrg(ctx, userId);
  if (user.source === "DIRECTORY")
    throw new UserError(
      "This account comes from a directory: disable or enable it there; the next sync applies it.",
    );
  if (userId === ctx.actorId && status === "DISABLED")
    throw new UserError("You cannot disable your own account.");
  if (user.status === "PENDING_TRANSFER") throw new UserError("Transfer this user's files first.");
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: userId }, data: { status } });
    await audit(tx, {
      actorId: ctx.actorId,
      organizationId: ctx.organizationId,
      action: status === "DISABLED" ? "user.disable" : "user.enable",
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

/** Platform administrators grant the organisation-administrator role to any user, local or directory (seed 004). */
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
          "The built-in administrator is always a platform administrator; turn it off with ADMIN_ENABLED=false instead.",
        );
      const others = await tx.user.count({
        where: { isPlatformAdmin: true, status: "ACTIVE", id: { not: userId } },
      });
      if (others === 0) throw new UserError("The last platform administrator cannot be removed.");
    }
    await tx.user.update({ where: { id: userId }, data: { isPlatformAdmin: grant } });
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
    await audit(tx, {
      actorId: null,
      action: "user.reset-password",
      targetType: "user",
      targetId: user.id,
      details: { via: "cli" },
    });
  });
}
