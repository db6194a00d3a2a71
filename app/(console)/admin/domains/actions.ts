"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { runAction } from "@/lib/action";
import { authorizePlatformAdmin } from "@/lib/auth/session";
import { approveBindAddress, approveDomain } from "@/lib/identity/verification";

// Platform administrators' approvals: for domains without public DNS, and for bind addresses. Each action
// checks the role itself, whatever the page showed; the services check it again.
const domainIdSchema = z.object({ domainId: z.uuid() });

export async function approveDomainAction(input: unknown) {
  return runAction(domainIdSchema, input, async ({ domainId }) => {
    const user = await authorizePlatformAdmin();
    const outcome = await approveDomain(user, domainId);
    revalidatePath("/admin/domains");
    revalidatePath("/org", "layout");
    return outcome;
  });
}

export async function approveBindAddressAction(input: unknown) {
  return runAction(domainIdSchema, input, async ({ domainId }) => {
    const user = await authorizePlatformAdmin();
    await approveBindAddress(user, domainId);
    revalidatePath("/admin/domains");
    revalidatePath("/org", "layout");
  });
}
