"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { runAction } from "@/lib/action";
import { authorizePlatformAdmin } from "@/lib/auth/session";
import {
  organizationSchema,
  planIdSchema,
  planSchema,
  renameOrganizationSchema,
  setOrgPlanSchema,
  updatePlanSchema,
} from "@/lib/organizations/schema";
import {
  createOrganization,
  createPlan,
  deletePlan,
  renameOrganization,
  setDefaultPlan,
  setOrganizationPlan,
  updatePlan,
} from "@/lib/organizations/service";
import { orgAdminGrantSchema, userIdSchema } from "@/lib/users/schema";
import { grantOrgAdmin, revokeOrgAdmin, setPlatformAdmin } from "@/lib/users/service";

// Platform administrator actions: each checks the role itself, whatever the page showed, before its input.

export async function createOrganizationAction(input: unknown) {
  return runAction(authorizePlatformAdmin, organizationSchema, input, async (actor, data) => {
    await createOrganization(actor.id, data);
    revalidatePath("/admin/organisations");
  });
}

export async function renameOrganizationAction(input: unknown) {
  return runAction(authorizePlatformAdmin, renameOrganizationSchema, input, async (actor, data) => {
    await renameOrganization(actor.id, data.organizationId, data.name);
    revalidatePath("/admin/organisations");
  });
}

export async function setOrganizationPlanAction(input: unknown) {
  return runAction(authorizePlatformAdmin, setOrgPlanSchema, input, async (actor, data) => {
    await setOrganizationPlan(actor.id, data.organizationId, data.planId);
    revalidatePath("/admin/organisations");
  });
}

export async function createPlanAction(input: unknown) {
  return runAction(authorizePlatformAdmin, planSchema, input, async (actor, data) => {
    await createPlan(actor.id, data);
    revalidatePath("/admin/plans");
  });
}

export async function updatePlanAction(input: unknown) {
  return runAction(authorizePlatformAdmin, updatePlanSchema, input, async (actor, data) => {
    await updatePlan(actor.id, data.planId, data);
    revalidatePath("/admin/plans");
  });
}

export async function setDefaultPlanAction(input: unknown) {
  return runAction(authorizePlatformAdmin, planIdSchema, input, async (actor, data) => {
    await setDefaultPlan(actor.id, data.planId);
    revalidatePath("/admin/plans");
  });
}

export async function deletePlanAction(input: unknown) {
  return runAction(authorizePlatformAdmin, planIdSchema, input, async (actor, data) => {
    await deletePlan(actor.id, data.planId);
    revalidatePath("/admin/plans");
  });
}

export async function grantOrgAdminAction(input: unknown) {
  return runAction(authorizePlatformAdmin, orgAdminGrantSchema, input, async (actor, data) => {
    await grantOrgAdmin(actor.id, data.userId, data.organizationId);
    revalidatePath("/admin/users");
  });
}

export async function revokeOrgAdminAction(input: unknown) {
  return runAction(authorizePlatformAdmin, orgAdminGrantSchema, input, async (actor, data) => {
    await revokeOrgAdmin(actor.id, data.userId, data.organizationId);
    revalidatePath("/admin/users");
  });
}

const setPlatformAdminSchema = userIdSchema.extend({ grant: z.boolean() });

export async function setPlatformAdminAction(input: unknown) {
  return runAction(authorizePlatformAdmin, setPlatformAdminSchema, input, async (actor, data) => {
    await setPlatformAdmin(actor.id, data.userId, data.grant);
    revalidatePath("/admin/users");
  });
}
