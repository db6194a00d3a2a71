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

// Platform administrator actions: each checks the role itself, whatever the page showed.

export async function createOrganizationAction(input: unknown) {
  return runAction(organizationSchema, input, async (data) => {
    const actor = await authorizePlatformAdmin();
    await createOrganization(actor.id, data);
    revalidatePath("/admin/organisations");
  });
}

export async function renameOrganizationAction(input: unknown) {
  return runAction(renameOrganizationSchema, input, async (data) => {
    const actor = await authorizePlatformAdmin();
    await renameOrganization(actor.id, data.organizationId, data.name);
    revalidatePath("/admin/organisations");
  });
}

export async function setOrganizationPlanAction(input: unknown) {
  return runAction(setOrgPlanSchema, input, async (data) => {
    const actor = await authorizePlatformAdmin();
    await setOrganizationPlan(actor.id, data.organizationId, data.planId);
    revalidatePath("/admin/organisations");
  });
}

export async function createPlanAction(input: unknown) {
  return runAction(planSchema, input, async (data) => {
    const actor = await authorizePlatformAdmin();
    await createPlan(actor.id, data);
    revalidatePath("/admin/plans");
  });
}

export async function updatePlanAction(input: unknown) {
  return runAction(updatePlanSchema, input, async (data) => {
    const actor = await authorizePlatformAdmin();
    await updatePlan(actor.id, data.planId, data);
    revalidatePath("/admin/plans");
  });
}

export async function setDefaultPlanAction(input: unknown) {
  return runAction(planIdSchema, input, async (data) => {
    const actor = await authorizePlatformAdmin();
    await setDefaultPlan(actor.id, data.planId);
    revalidatePath("/admin/plans");
  });
}

export async function deletePlanAction(input: unknown) {
  return runAction(planIdSchema, input, async (data) => {
    const actor = await authorizePlatformAdmin();
    await deletePlan(actor.id, data.planId);
    revalidatePath("/admin/plans");
  });
}

export async function grantOrgAdminAction(input: unknown) {
  return runAction(orgAdminGrantSchema, input, async (data) => {
    const actor = await authorizePlatformAdmin();
    await grantOrgAdmin(actor.id, data.userId, data.organizationId);
    revalidatePath("/admin/users");
  });
}

export async function revokeOrgAdminAction(input: unknown) {
  return runAction(orgAdminGrantSchema, input, async (data) => {
    const actor = await authorizePlatformAdmin();
    await revokeOrgAdmin(actor.id, data.userId, data.organizationId);
    revalidatePath("/admin/users");
  });
}

export async function setPlatformAdminAction(input: unknown) {
  return runAction(userIdSchema.extend({ grant: z.boolean() }), input, async (data) => {
    const actor = await authorizePlatformAdmin();
    await setPlatformAdmin(actor.id, data.userId, data.grant);
    revalidatePath("/admin/users");
  });
}
