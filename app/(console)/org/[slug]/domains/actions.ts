"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { routeId, runAction } from "@/lib/action";
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

// Session, then permission on the route's organisation, then the route's domain id: before any input.
async function ctxOf(slug: string) {
  const { user, org } = await authorizeOrg(slug, "connections:manage");
  return { actorId: user.id, organizationId: org.id };
}
const forDomain = (slug: string, domainId: unknown) => async () => ({
  ctx: await ctxOf(slug),
  domainId: routeId(domainId, "Domain not found."),
});

const migrateSchema = z.object({ userIds: z.array(z.uuid()).min(1, "Choose at least one account.") });

export async function createDomainAction(slug: string, input: unknown) {
  return runAction(
    () => ctxOf(slug),
    domainNameSchema,
    input,
    async (ctx, { name }) => {
      // Adding a domain is the organisation's claim to it; verification makes it the owner of its addresses.
      const domain = await claimDomain(ctx, name);
      revalidatePath(`/org/${slug}/domains`);
      return domain;
    },
  );
}

export async function verifyDomainAction(slug: string, domainId: string) {
  return runAction(forDomain(slug, domainId), z.null(), null, async ({ ctx, domainId: id }) => {
    const outcome = await verifyByDns(ctx, id);
    if (outcome.verified) revalidatePath(`/org/${slug}/domains`, "layout");
    return outcome;
  });
}

export async function revokeVerificationAction(slug: string, domainId: string) {
  return runAction(forDomain(slug, domainId), z.null(), null, async ({ ctx, domainId: id }) => {
    await revokeVerification(ctx, id);
    revalidatePath(`/org/${slug}/domains`, "layout");
  });
}

export async function renameDomainAction(slug: string, domainId: string, input: unknown) {
  return runAction(
    forDomain(slug, domainId),
    domainNameSchema,
    input,
    async ({ ctx, domainId }, { name }) => {
      await renameDomain(ctx, domainId, name);
      revalidatePath(`/org/${slug}/domains`, "layout");
    },
  );
}

export async function deleteDomainAction(slug: string, domainId: string) {
  return runAction(forDomain(slug, domainId), z.null(), null, async ({ ctx, domainId }) => {
    await deleteDomain(ctx, domainId);
    revalidatePath(`/org/${slug}/domains`);
  });
}

export async function saveAdvancedAction(slug: string, domainId: string, input: unknown) {
  return runAction(forDomain(slug, domainId), advancedSchema, input, async ({ ctx, domainId }, values) => {
    await saveAdvanced(ctx, domainId, values);
    revalidatePath(`/org/${slug}/domains`, "layout");
  });
}

export async function saveDirectoryServiceAction(slug: string, domainId: string, input: unknown) {
  return runAction(
    forDomain(slug, domainId),
    directoryServiceSchema,
    input,
    async ({ ctx, domainId }, values) => {
      await saveDirectoryService(ctx, domainId, values);
      revalidatePath(`/org/${slug}`, "layout");
    },
  );
}

export async function testDirectoryServiceAction(slug: string, domainId: string, input: unknown) {
  return runAction(forDomain(slug, domainId), directoryServiceSchema, input, ({ ctx, domainId }, values) =>
    testDirectoryService(ctx, domainId, values),
  );
}

export async function findMigrationCandidatesAction(slug: string, domainId: string) {
  return runAction(forDomain(slug, domainId), z.null(), null, async ({ ctx, domainId }) => {
    const { findMigrationCandidates } = await import("@/lib/domains/service");
    return findMigrationCandidates(ctx, domainId);
  });
}

export async function migrateAccountsAction(slug: string, domainId: string, input: unknown) {
  return runAction(
    forDomain(slug, domainId),
    migrateSchema,
    input,
    async ({ ctx, domainId }, { userIds }) => {
      const { migrateAccounts } = await import("@/lib/domains/service");
      const result = await migrateAccounts(ctx, domainId, userIds);
      revalidatePath(`/org/${slug}`, "layout");
      return result;
    },
  );
}
