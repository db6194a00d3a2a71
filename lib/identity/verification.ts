import "server-only";
import type { OrgCtx as Ctx } from "@/lib/auth/org-context";
import { db } from "@/lib/db";
import { audit } from "@/lib/audit";
import { ForbiddenError, NotFoundError, UserError, isUniqueViolation } from "@/lib/errors";
import { createDomain } from "@/lib/domains/service";
import { lookupTxt } from "@/lib/identity/dns";
import {
  addressTakenMessage,
  nameVerifiedElsewhere,
  ntDomainTakenMessage,
  verifiedElsewhereMessage,
  verifiedNtDomainHolder,
} from "@/lib/identity/clashes";
import type { DomainVerification } from "@/lib/generated/prisma/enums";

// Verified email domains (DESIGN.md, "Identity belongs to a tenant"). A Domain row is an organisation's
// claim; the claim becomes ownership of the domain's addresses by a DNS TXT record holding the row's token,
// or by a platform administrator's approval. At most one organisation holds a verified name: the partial
// unique index "Domain_verified_name_key" decides a race, the checks before it only give the refusal words.

/** A signed-in platform administrator, or the operator at the command line (id null). */
export type PlatformActor = { id: string | null; isPlatformAdmin: boolean };

export const CHALLENGE_LABEL = "_directory-console-challenge";

export function challengeOf(domain: { name: string; verificationToken: string }) {
  return { recordName: `${CHALLENGE_LABEL}.${domain.name}`, value: domain.verificationToken };
}

/**
 * Claims `name` for the organisation: the Domains page's Add domain. A name another organisation verified can
 * still be claimed (it shows that it cannot be verified here).
 */
export async function claimDomain(ctx: Ctx, name: string) {
  const domain = await createDomain(ctx, name);
  return { ...domain, verifiedElsewhere: await nameVerifiedElsewhere(ctx.organizationId, name) };
}

export type VerifyOutcome = { verified: boolean; message: string };
const alreadyVerified = (name: string): VerifyOutcome => ({
  verified: true,
  message: `Verified: ${name} is already verified.`,
});

const domainSelect = {
  id: true,
  organizationId: true,
  name: true,
  ntDomain: true,
  verificationToken: true,
  verifiedAt: true,
} as const;
type ClaimRow = { id: string; organizationId: string; name: string; ntDomain: string | null };

async function ownDomain(ctx: Ctx, id: string) {
  const domain = await db.domain.findFirst({
    where: { id, organizationId: ctx.organizationId },
    select: domainSelect,
  });
  if (!domain) throw new NotFoundError("Domain not found.");
  return domain;
}

/** Looks up _directory-console-challenge.<name>; verifies the domain when a TXT string equals its token. */
export async function verifyByDns(ctx: Ctx, domainId: string): Promise<VerifyOutcome> {
  const domain = await ownDomain(ctx, domainId);
  if (domain.verifiedAt) return alreadyVerified(domain.name);
  await refuseClashes(domain);
  const { recordName, value } = challengeOf(domain);
  const lookup = await lookupTxt(recordName);
  if (lookup.kind === "none")
    return {
      verified: false,
      message:
        `No TXT record ${recordName} found yet. ` +
        "DNS changes can take a while to appear; try again later.",
    };
  if (lookup.kind === "unreachable")
    return {
      verified: false,
      message:
        `The DNS lookup of ${recordName} got no answer (${lookup.code}). ` + "Try again in a few minutes.",
    };
  if (!lookup.values.some((v) => v.trim() === value)) {
    const found = lookup.values.map((v) => (v.length > 60 ? `${v.slice(0, 60)}…` : v)).slice(0, 3);
    return {
      verified: false,
      message:
        `TXT found but value differs: ${recordName} holds "${found.join('", "')}", ` +
        "not the value shown here.",
    };
  }
  await markVerified(domain, "DNS", ctx.actorId);
  return { verified: true, message: `Verified: ${recordName} holds this domain's token.` };
}

/** A platform administrator's approval, for domains without public DNS. */
export async function approveDomain(actor: PlatformActor, domainId: string): Promise<VerifyOutcome> {
  if (!actor.isPlatformAdmin) throw new ForbiddenError();
  const domain = await db.domain.findUnique({ where: { id: domainId }, select: domainSelect });
  if (!domain) throw new NotFoundError("Domain not found.");
  if (domain.verifiedAt) return alreadyVerified(domain.name);
  await refuseClashes(domain);
  await markVerified(domain, "APPROVED", actor.id);
  return { verified: true, message: `Verified: ${domain.name} approved by a platform administrator.` };
}

/** Withdraws the verification: the organisation's directories stop speaking for the domain's addresses. */
export async function revokeVerification(ctx: Ctx, domainId: string): Promise<void> {
  const domain = await ownDomain(ctx, domainId);
  if (!domain.verifiedAt) return;
  await db.$transaction(async (tx) => {
    await tx.domain.update({
      where: { id: domain.id },
      data: { verifiedAt: null, verificationMethod: null, verifiedById: null },
    });
    await audit(tx, {
      actorId: ctx.actorId,
      organizationId: domain.organizationId,
      action: "domain.revoke-verification",
      targetType: "domain",
      targetId: domain.id,
      details: { name: domain.name },
    });
  });
}

/** A platform administrator approves the domain's "Bind this domain to specific IP address". */
export async function approveBindAddress(actor: PlatformActor, domainId: string): Promise<void> {
  await approveRoute(actor, domainId, "bind");
}

/** A platform administrator approves the domain's Windows NT domain name for `NTDOMAIN\name` sign-ins. */
export async function approveNtDomain(actor: PlatformActor, domainId: string): Promise<void> {
  await approveRoute(actor, domainId, "nt");
}

// The two first-come routes of sign-ins that name no verified email domain: a bound address (bare names) and
// an NT domain name. Each routes typed passwords to one organisation, so each takes an approval, and one
// approved value routes to one organisation (partial unique indexes, migrations 0005 and 0010).
const ROUTES = {
  bind: {
    value: "bindIpAddress",
    approvedAt: "bindIpApprovedAt",
    approvedBy: "bindIpApprovedById",
    action: "domain.approve-bind-address",
    none: (name: string) => `${name} binds no IP address.`,
    taken: (value: string, same: boolean) => addressTakenMessage(value, same),
  },
  nt: {
    value: "ntDomain",
    approvedAt: "ntDomainApprovedAt",
    approvedBy: "ntDomainApprovedById",
    action: "domain.approve-nt-domain",
    none: (name: string) => `${name} has no Windows NT domain name.`,
    taken: (value: string, same: boolean) =>
      `The Windows NT domain ${value} is already approved for ` +
      `${same ? "another domain of this" : "another"} organisation.`,
  },
} as const;

async function approveRoute(actor: PlatformActor, domainId: string, kind: keyof typeof ROUTES) {
  if (!actor.isPlatformAdmin) throw new ForbiddenError();
  const r = ROUTES[kind];
  const domain = await db.domain.findUnique({ where: { id: domainId } });
  if (!domain) throw new NotFoundError("Domain not found.");
  const value = domain[r.value];
  if (!value) throw new UserError(r.none(domain.name));
  if (domain[r.approvedAt]) return;
  const holder = await db.domain.findFirst({
    where: {
      id: { not: domain.id },
      [r.value]: { equals: value, mode: "insensitive" },
      [r.approvedAt]: { not: null },
    },
    select: { organizationId: true },
  });
  if (holder) throw new UserError(r.taken(value, holder.organizationId === domain.organizationId));
  try {
    await db.$transaction(async (tx) => {
      // The value approved is the one read above: an edit in between leaves it waiting.
      const updated = await tx.domain.updateMany({
        where: { id: domain.id, [r.value]: value, [r.approvedAt]: null },
        data: { [r.approvedAt]: new Date(), [r.approvedBy]: actor.id },
      });
      if (updated.count === 0) throw new UserError("The value changed meanwhile: reload and try again.");
      await audit(tx, {
        actorId: actor.id,
        organizationId: domain.organizationId,
        action: r.action,
        targetType: "domain",
        targetId: domain.id,
        details: { name: domain.name, [r.value]: value },
      });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new UserError(r.taken(value, false));
    throw error;
  }
}

async function refuseClashes(domain: ClaimRow): Promise<void> {
  if (await nameVerifiedElsewhere(domain.organizationId, domain.name))
    throw new UserError(verifiedElsewhereMessage(domain.name));
  if (domain.ntDomain) {
    const holder = await verifiedNtDomainHolder(domain.id, domain.ntDomain);
    if (holder) throw new UserError(ntClashMessage(domain, holder.organizationId === domain.organizationId));
  }
}

const ntClashMessage = (domain: ClaimRow, sameOrganisation: boolean) =>
  `${domain.name} can't be verified yet. ${ntDomainTakenMessage(domain.ntDomain ?? "", sameOrganisation)} ` +
  "Change it on the Advanced tab.";

async function markVerified(domain: ClaimRow, method: DomainVerification, actorId: string | null) {
  try {
    await db.$transaction(async (tx) => {
      const updated = await tx.domain.updateMany({
        where: { id: domain.id, verifiedAt: null },
        data: { verifiedAt: new Date(), verificationMethod: method, verifiedById: actorId },
      });
      // Verified meanwhile by a second click: nothing more to record.
      if (updated.count === 0) return;
      // From now on this organisation owns the domain's addresses. A console password that somebody else set
      // for one of them (a local account another organisation made, an invitation link it handed out) is no
      // proof of the address: it stops working, with its sessions; the person signs in through the owner.
      await tx.$executeRaw`
        update "User" u set "passwordHash" = null, "sessionVersion" = u."sessionVersion" + 1
        where u.source <> 'DIRECTORY' and not u."isPlatformAdmin" and not u."isBuiltinAdmin"
          and u."passwordHash" is not null
          and lower(split_part(u.email, '@', 2)) = ${domain.name.toLowerCase()}
          and not exists (select 1 from "Membership" m
                          where m."userId" = u.id and m."organizationId" = ${domain.organizationId}::uuid)`;
      await audit(tx, {
        actorId,
        organizationId: domain.organizationId,
        action: method === "DNS" ? "domain.verify-dns" : "domain.approve",
        targetType: "domain",
        targetId: domain.id,
        details: { name: domain.name, method },
      });
    });
  } catch (error) {
    if (isUniqueViolation(error, "ntDomain")) throw new UserError(ntClashMessage(domain, false));
    if (isUniqueViolation(error)) throw new UserError(verifiedElsewhereMessage(domain.name));
    throw error;
  }
}

/** The platform administrators' queue: claims not verified yet and bind addresses waiting for approval. */
export async function listPendingApprovals() {
  const [claims, addresses, ntNames] = await Promise.all([
    db.domain.findMany({
      where: { verifiedAt: null },
      orderBy: [{ createdAt: "asc" }],
      take: 500,
      select: {
        id: true,
        name: true,
        createdAt: true,
        organization: { select: { slug: true, name: true } },
      },
    }),
    db.domain.findMany({
      where: { bindIpAddress: { not: null }, bindIpApprovedAt: null },
      orderBy: [{ createdAt: "asc" }],
      take: 500,
      select: {
        id: true,
        name: true,
        bindIpAddress: true,
        organization: { select: { slug: true, name: true } },
      },
    }),
    db.domain.findMany({
      where: { ntDomain: { not: null }, NOT: { ntDomain: "" }, ntDomainApprovedAt: null },
      orderBy: [{ createdAt: "asc" }],
      take: 500,
      select: { id: true, name: true, ntDomain: true, organization: { select: { slug: true, name: true } } },
    }),
  ]);
  const verifiedNames = new Set(
    (
      await db.domain.findMany({
        where: { verifiedAt: { not: null }, name: { in: claims.map((c) => c.name) } },
        select: { name: true },
      })
    ).map((d) => d.name),
  );
  return {
    claims: claims.map((c) => ({ ...c, verifiedElsewhere: verifiedNames.has(c.name) })),
    addresses,
    ntNames,
  };
}
