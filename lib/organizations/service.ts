import "server-only";
import { db } from "@/lib/db";
import { audit } from "@/lib/audit";
import { NotFoundError, UserError, isUniqueViolation } from "@/lib/errors";

const GB = BigInt(1024 ** 3);

export async function createOrganization(actorId: string | null, input: { slug: string; name: string }) {
  try {
    return await db.$transaction(async (tx) => {
      const plan = await tx.plan.findFirst({ where: { isDefault: true }, select: { id: true } });
      if (!plan) throw new UserError("Create a default plan first.");
      const org = await tx.organization.create({
        data: { slug: input.slug, name: input.name, defaultPlanId: plan.id },
        select: { id: true, slug: true },
      });
      await audit(tx, {
        actorId,
        organizationId: org.id,
        action: "organization.create",
        targetType: "organization",
        targetId: org.id,
        details: input,
      });
      return org;
    });
  } catch (error) {
    if (isUniqueViolation(error, "slug"))
      throw new UserError("That address is taken.", { slug: "Another organisation uses this short name." });
    throw error;
  }
}

export async function renameOrganization(actorId: string | null, organizationId: string, name: string) {
  await db.$transaction(async (tx) => {
    const org = await tx.organization.findUnique({ where: { id: organizationId }, select: { name: true } });
    if (!org) throw new NotFoundError("Organisation not found.");
    await tx.organization.update({ where: { id: organizationId }, data: { name } });
    await audit(tx, {
      actorId,
      organizationId,
      action: "organization.rename",
      targetType: "organization",
      targetId: organizationId,
      details: { from: org.name, to: name },
    });
  });
}

export async function setOrganizationPlan(actorId: string | null, organizationId: string, planId: string) {
  await db.$transaction(async (tx) => {
    const plan = await tx.plan.findUnique({ where: { id: planId }, select: { name: true } });
    if (!plan) throw new UserError("That plan does not exist.", { planId: "Choose a plan." });
    const { count } = await tx.organization.updateMany({
      where: { id: organizationId },
      data: { defaultPlanId: planId },
    });
    if (count === 0) throw new NotFoundError("Organisation not found.");
    await audit(tx, {
      actorId,
      organizationId,
      action: "organization.set-default-plan",
      targetType: "organization",
      targetId: organizationId,
      details: { plan: plan.name },
    });
  });
}

export async function createPlan(actorId: string | null, input: { name: string; storageQuotaGb: number }) {
  try {
    return await db.$transaction(async (tx) => {
      const hasDefault = (await tx.plan.count({ where: { isDefault: true } })) > 0;
      const plan = await tx.plan.create({
        data: {
          name: input.name,
          storageQuotaBytes: BigInt(Math.round(input.storageQuotaGb * 1024 ** 3)),
          isDefault: !hasDefault,
        },
        select: { id: true },
      });
      await audit(tx, {
        actorId,
        action: "plan.create",
        targetType: "plan",
        targetId: plan.id,
        details: input,
      });
      return plan;
    });
  } catch (error) {
    if (isUniqueViolation(error, "name"))
      throw new UserError("A plan with this name exists.", { name: "A plan with this name exists." });
    throw error;
  }
}

export async function updatePlan(
  actorId: string | null,
  planId: string,
  input: { name: string; storageQuotaGb: number },
) {
  try {
    await db.$transaction(async (tx) => {
      await tx.plan.update({
        where: { id: planId },
        data: { name: input.name, storageQuotaBytes: BigInt(Math.round(input.storageQuotaGb * 1024 ** 3)) },
      });
      await audit(tx, {
        actorId,
        action: "plan.update",
        targetType: "plan",
        targetId: planId,
        details: input,
      });
    });
  } catch (error) {
    if (isUniqueViolation(error, "name"))
      throw new UserError("A plan with this name exists.", { name: "A plan with this name exists." });
    if ((error as { code?: string }).code === "P2025") throw new NotFoundError("Plan not found.");
    throw error;
  }
}

/** Exactly one plan is the default: the old default loses it in the same transaction. */
export async function setDefaultPlan(actorId: string | null, planId: string) {
  await db.$transaction(async (tx) => {
    const plan = await tx.plan.findUnique({ where: { id: planId }, select: { name: true } });
    if (!plan) throw new NotFoundError("Plan not found.");
    await tx.plan.updateMany({ where: { isDefault: true }, data: { isDefault: false } });
    await tx.plan.update({ where: { id: planId }, data: { isDefault: true } });
    await audit(tx, {
      actorId,
      action: "plan.set-default",
      targetType: "plan",
      targetId: planId,
      details: { name: plan.name },
    });
  });
}

export async function deletePlan(actorId: string | null, planId: string) {
  await db.$transaction(async (tx) => {
    const plan = await tx.plan.findUnique({
      where: { id: planId },
      select: { name: true, isDefault: true, _count: { select: { organizations: true, memberships: true } } },
    });
    if (!plan) throw new NotFoundError("Plan not found.");
    if (plan.isDefault)
      throw new UserError("The default plan cannot be deleted: make another plan the default first.");
    if (plan._count.organizations + plan._count.memberships > 0)
      throw new UserError("This plan is in use by organisations or users.");
    await tx.plan.delete({ where: { id: planId } });
    await audit(tx, {
      actorId,
      action: "plan.delete",
      targetType: "plan",
      targetId: planId,
      details: { name: plan.name },
    });
  });
}

export function bytesToGb(bytes: bigint): number {
  return Number((bytes * 100n) / GB) / 100;
}
