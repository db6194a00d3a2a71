"use server";
import { revalidatePath } from "next/cache";
import { runAction } from "@/lib/action";
import { authorizeOrg } from "@/lib/auth/session";
import { createLocalUserSchema, setRolesSchema, setUserStatusSchema } from "@/lib/users/schema";
import { createLocalUser, setLocalRoles, setUserStatus } from "@/lib/users/service";

// The organisation comes from the route (slug), checked against the session in every action; never from
// the form.

export async function createLocalUserAction(slug: string, input: unknown) {
  return runAction(createLocalUserSchema, input, async (data) => {
    const { user, org } = await authorizeOrg(slug, "users:manage");
    await createLocalUser({ actorId: user.id, organizationId: org.id }, data);
    revalidatePath(`/org/${slug}/users`);
  });
}

export async function setUserStatusAction(slug: string, input: unknown) {
  return runAction(setUserStatusSchema, input, async (data) => {
    const { user, org } = await authorizeOrg(slug, "users:manage");
    await setUserStatus({ actorId: user.id, organizationId: org.id }, data.userId, data.status, data.scope);
    revalidatePath(`/org/${slug}/users`);
  });
}

export async function setRolesAction(slug: string, input: unknown) {
  return runAction(setRolesSchema, input, async (data) => {
    const { user, org } = await authorizeOrg(slug, "users:manage");
    await setLocalRoles({ actorId: user.id, organizationId: org.id }, data.userId, data.roles);
    revalidatePath(`/org/${slug}/users`);
  });
}
