"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { runAction } from "@/lib/action";
import { authorizeOrg } from "@/lib/auth/session";
import { advancedSchema, directoryServiceSchema, domainNameSchema } from "@/lib/domains/schema";
import { claimDomain, revokeVerification, verifyByDns } from "@/lib/identity/verification";
import {
  deleteDomain,
  renameDomain,
  saveAdvanced,
  saveDirectoryService,
  testDirectoryService,
} from "@/lib/domains/service";

async function ctxOf(slug: string) {
  const { user, org } = await authorizeOrg(slug, "connections:manage");
  return { actorId: user.id, organizationId: org.id };
}
const id = (v: string) => z.uuid().parse(v);

export async function createDomainAction(slug: string, input: unknown) {
  return runAction(domainNameSchema, input, async ({ name }) => {
    // Adding a domain is the organisation's claim to it; verification makes it the owner of its addresses.
    const domain = await claimDomain(await ctxOf(slug), name);
    revalidatePath(`/org/${slug}/domains`);
    return domain;
  });
}

export async function verifyDomainAction(slug: string, domainId: string) {
  return runAction(z.null(), null, async () => {
    const outcome = await verifyByDns(await ctxOf(slug), id(domainId));
    if (outcome.verified) revalidatePath(`/org/${slug}/domains`, "layout");
    return outcome;
  });
}

export async function revokeVerificationAction(slug: string, domainId: string) {
  return runAction(z.null(), null, async () => {
    await revokeVerification(await ctxOf(slug), id(domainId));
    revalidatePath(`/org/${slug}/domains`, "layout");
  });
}

export async function renameDomainAction(slug: string, domainId: string, input: unknown) {
  return runAction(domainNameSchema, input, async ({ name }) => {
    await renameDomain(await ctxOf(slug), id(domainId), name);
    revalidatePath(`/org/${slug}/domains`, "layout");
  });
}

export async function deleteDomainAction(slug: string, domainId: string) {
  return runAction(z.null(), null, async () => {
    await deleteDomain(await ctxOf(slug), id(domainId));
    revalidatePath(`/org/${slug}/domains`);
  });
}

export async function saveAdvancedAction(slug: string, domainId: string, input: unknown) {
  return runAction(advancedSchema, input, async (values) => {
    await saveAdvanced(await ctxOf(slug), id(domainId), values);
    revalidatePath(`/org/${slug}/domains`, "layout");
  });
}

export async function saveDirectoryServiceAction(slug: string, domainId: string, input: unknown) {
  return runAction(directoryServiceSchema, input, async (values) => {
    await saveDirectoryService(await ctxOf(slug), id(domainId), values);
    revalidatePath(`/org/${slug}`, "layout");
  });
}

export async function testDirectoryServiceAction(slug: string, domainId: string, input: unknown) {
  return runAction(directoryServiceSchema, input, async (values) =>
    testDirectoryService(await ctxOf(slug), id(domainId), values),
  );
}

export async function findMigrationCandidatesAction(slug: string, domainId: string) {
  return runAction(z.null(), null, async () => {
    const { findMigrationCandidates } = await import("@/lib/domains/service");
    return findMigrationCandidates(await ctxOf(slug), id(domainId));
  });
}

export async function migrateAccountsAction(slug: string, domainId: string, input: unknown) {
  return runAction(
    z.object({ userIds: z.array(z.uuid()).min(1, "Choose at least one account.") }),
    input,
    async ({ userIds }) => {
      const { migrateAccounts } = await import("@/lib/domains/service");
      const result = await migrateAccounts(await ctxOf(slug), id(domainId), userIds);
      revalidatePath(`/org/${slug}`, "layout");
      return result;
    },
  );
}
