"use server";
import { revalidatePath } from "next/cache";
import { runAction } from "@/lib/action";
import { authorizeOrg } from "@/lib/auth/session";
import { createLocalUserSchema, setRolesSchema, setUserStatusSchema } from "@/lib/users/schema";
import { createLocalUser, setLocalRoles, setUserStatus } from "@/lib/users/service";

// The organisation comes from the route (slug), checked against the session in every action before its
// input is read; never from the form.
async function ctxOf(slug: string) {
  const { user, org } = await authorizeOrg(slug, "users:manage");
  return { actorId: user.id, organizationId: org.id };
}

export async function createLocalUserAction(slug: string, input: unknown) {
  return runAction(
    () => ctxOf(slug),
    createLocalUserSchema,
    input,
    async (ctx, data) => {
      await createLocalUser(ctx, data);
      revalidatePath(`/org/${slug}/users`);
    },
  );
}

export async function setUserStatusAction(slug: string, input: unknown) {
  return runAction(
    () => ctxOf(slug),
    setUserStatusSchema,
    input,
    async (ctx, data) => {
      await setUserStatus(ctx, data.userId, data.status, data.scope);
      revalidatePath(`/org/${slug}/users`);
    },
  );
}

export async function setRolesAction(slug: string, input: unknown) {
  return runAction(
    () => ctxOf(slug),
    setRolesSchema,
    input,
    async (ctx, data) => {
      await setLocalRoles(ctx, data.userId, data.roles);
      revalidatePath(`/org/${slug}/users`);
    },
  );
}
