"use server";
import { revalidatePath } from "next/cache";
import { runAction } from "@/lib/action";
import { authorizeOrg } from "@/lib/auth/session";
import { transferSchema } from "@/lib/users/schema";
import { transferOwnership } from "@/lib/transfers/service";
import { resolveConflict, resolveConflictSchema } from "@/lib/identity/conflicts";

export async function transferOwnershipAction(slug: string, input: unknown) {
  return runAction(
    () => authorizeOrg(slug, "users:manage"),
    transferSchema,
    input,
    async ({ user, org }, { fromUserId, toUserId }) => {
      const ctx = { actorId: user.id, organizationId: org.id };
      const result = await transferOwnership(ctx, fromUserId, toUserId);
      revalidatePath(`/org/${slug}`, "layout");
      return result;
    },
  );
}

export async function resolveConflictAction(slug: string, input: unknown) {
  return runAction(
    () => authorizeOrg(slug, "users:manage"),
    resolveConflictSchema,
    input,
    async ({ user, org }, { notificationId, decision }) => {
      await resolveConflict({ actorId: user.id, organizationId: org.id }, notificationId, decision);
      revalidatePath(`/org/${slug}`, "layout");
    },
  );
}
