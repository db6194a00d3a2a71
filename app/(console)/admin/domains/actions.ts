"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { runAction } from "@/lib/action";
import { authorizePlatformAdmin } from "@/lib/auth/session";
import { approveBindAddress, approveDomain, approveNtDomain } from "@/lib/identity/verification";

// Platform administrators' approvals: for domains without public DNS, and for bind addresses. Each action
// checks the role itself, whatever the page showed; the services check it again.
const domainIdSchema = z.object({ domainId: z.uuid("Domain not found.") });

export async function approveDomainAction(input: unknown) {
  return runAction(authorizePlatformAdmin, domainIdSchema, input, async (user, { domainId }) => {
    const outcome = await approveDomain(user, domainId);
    revalidatePath("/admin/domains");
    revalidatePath("/org", "layout");
    return outcome;
  });
}

export async function approveBindAddressAction(input: unknown) {
  return runAction(authorizePlatformAdmin, domainIdSchema, input, async (user, { domainId }) => {
    await approveBindAddress(user, domainId);
    revalidatePath("/admin/domains");
    revalidatePath("/org", "layout");
  });
}

export async function approveNtDomainAction(input: unknown) {
  return runAction(authorizePlatformAdmin, domainIdSchema, input, async (user, { domainId }) => {
    await approveNtDomain(user, domainId);
    revalidatePath("/admin/domains");
    revalidatePath("/org", "layout");
  });
}
