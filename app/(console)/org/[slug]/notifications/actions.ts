"use server";
import { revalidatePath } from "next/cache";
import { runAction } from "@/lib/action";
import { authorizeOrg } from "@/lib/auth/session";
import { transferSchema } from "@/lib/users/schema";
import { transferOwnership } from "@/lib/transfers/service";
import { resolveConflict, resolveConflictSchema } from "@/lib/identity/conflicts";

export async function transferOwnershipAction(slug: string, input: unknown) {
  return runAction(transferSchema, input, async ({ fromUserId, toUserId }) => {
    const { user, org } = await authorizeOrg(slug, "users:manage");
    const result = await transferOwnership(
      { actorId: user.id, organizationId: org.id },
      fromUserId,
      toUserId,
    );
    revalidatePath(`/org/${slug}`, "layout");
    return result;
  });
}

export async function resolveConflictAction(slug: string, input: unknown) {
  return runAction(resolveConflictSchema, input, async ({ notificationId, decision }) => {
    const { user, org } = await authorizeOrg(slug, "users:manage");
    await resolveConflict({ actorId: user.id, organizationId: org.id }, notificationId, decision);
    revalidatePath(`/org/${slug}`, "layout");
  });
}
