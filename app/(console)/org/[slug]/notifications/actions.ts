"use server";
import { revalidatePath } from "next/cache";
import { runAction } from "@/lib/action";
import { authorizeOrg } from "@/lib/auth/session";
import { transferSchema } from "@/lib/users/schema";
import { transferOwnership } from "@/lib/transfers/service";

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
