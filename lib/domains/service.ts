import "server-only";
import { verifiedDomainsOf } from "@/lib/identity/domains";
import { emailDomain } from "@/lib/identity/email";
import { db } from "@/lib/db";
import { audit } from "@/lib/audit";
import { NotFoundError, UserError, isUniqueViolation } from "@/lib/errors";
import { connectionSchema } from "@/lib/connections/schema";
import {
  createConnection,
  setConnectionEnabled,
  testConnectionValues,
  updateConnection,
} from "@/lib/connections/service";
import { connectionForDomain } from "@/lib/domains/derive";
import type { AdvancedInput, DirectoryServiceInput } from "@/lib/domains/schema";
import { nameVerifiedElsewhere, ntDomainTakenMessage, verifiedNtDomainHolder } from "@/lib/identity/clashes";
import type { OrgCtx as Ctx } from "@/lib/auth/org-context";
import type { LdapConnection } from "@/lib/generated/prisma/client";

async function own(ctx: Ctx, id: string) {
  const domain = await db.domain.findFirst({ where: { id, organizationId: ctx.organizationId } });
  if (!domain) throw new NotFoundError("Domain not found.");
  return domain;
}

export async function createDomain(ctx: Ctx, name: string) {
  try {
    return await db.$transaction(async (tx) => {
      // Kerio: "The Kerberos realm name is your domain name and is specified automatically upon domain
      // creation."
      const domain = await tx.domain.create({
        data: { organizationId: ctx.organizationId, name, kerberosRealm: name.toUpperCase() },
        select: { id: true },
      });
      await audit(tx, {
        actorId: ctx.actorId,
        organizationId: ctx.organizationId,
        action: "domain.create",
        targetType: "domain",
        targetId: domain.id,
        details: { name },
      });
      return domain;
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw new UserError("This domain exists already.", { name: "This domain exists already." });
    throw error;
  }
}

export async function renameDomain(ctx: Ctx, id: string, name: string) {
  const domain = await own(ctx, id);
  // A verification is of a name: another name has to be verified again.
  const renamed = domain.name !== name;
  try {
    await db.$transaction(async (tx) => {
      await tx.domain.update({
        where: { id },
        data: renamed ? { name, verifiedAt: null, verificationMethod: null, verifiedById: null } : { name },
      });
      await audit(tx, {
        actorId: ctx.actorId,
        organizationId: ctx.organizationId,
        action: "domain.rename",
        targetType: "domain",
        targetId: id,
        details: { name },
      });
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw new UserError("Another domain has this name.", { name: "Another domain has this name." });
    throw error;
  }
}

export async function deleteDomain(ctx: Ctx, id: string) {
  const domain = await own(ctx, id);
  await db.$transaction(async (tx) => {
    await tx.domain.delete({ where: { id } });
    await audit(tx, {
      actorId: ctx.actorId,
      organizationId: ctx.organizationId,
      action: "domain.delete",
      targetType: "domain",
      targetId: id,
      details: { name: domain.name },
    });
  });
}

export async function saveAdvanced(ctx: Ctx, id: string, values: AdvancedInput) {
  const domain = await own(ctx, id);
  const ntDomain = values.ntDomain || null;
  const bindIpAddress = values.bindIpAddress || null;
  // A verified NT domain name routes `NTDOMAIN\name` sign-ins to one organisation only.
  const holder = ntDomain ? await verifiedNtDomainHolder(id, ntDomain) : null;
  if (holder && (holder.organizationId !== ctx.organizationId || domain.verifiedAt)) {
    const message = ntDomainTakenMessage(ntDomain!, holder.organizationId === ctx.organizationId);
    throw new UserError(message, { ntDomain: message });
  }
  // A new address routes bare-name sign-ins only after a platform administrator approved it again.
  const addressChanged = (bindIpAddress ?? "").toLowerCase() !== (domain.bindIpAddress ?? "").toLowerCase();
  // So does a new NT domain name for `NTDOMAIN\name` sign-ins.
  const ntChanged = (ntDomain ?? "").toLowerCase() !== (domain.ntDomain ?? "").toLowerCase();
  try {
    await db.$transaction(async (tx) => {
      await tx.domain.update({
        where: { id },
        data: {
          kerberosRealm: values.kerberosRealm || null,
          pamServiceName: values.pamServiceName || null,
          ntDomain,
          bindIpAddress,
          ...(addressChanged ? { bindIpApprovedAt: null, bindIpApprovedById: null } : {}),
          ...(ntChanged ? { ntDomainApprovedAt: null, ntDomainApprovedById: null } : {}),
        },
      });
      await audit(tx, {
        actorId: ctx.actorId,
        organizationId: ctx.organizationId,
        action: "domain.advanced",
        targetType: "domain",
        targetId: id,
        details: values,
      });
    });
  } catch (error) {
    if (isUniqueViolation(error, "ntDomain")) {
      const message = ntDomainTakenMessage(ntDomain ?? "", false);
      throw new UserError(message, { ntDomain: message });
    }
    throw error;
  }
}

/**
 * Saving the Directory Service tab creates or updates the domain's LDAP connection (the same model and engine
 * as the LDAP Connections page); turning mapping off disables that connection and keeps it.
 */
export async function saveDirectoryService(ctx: Ctx, id: string, values: DirectoryServiceInput) {
  const domain = await own(ctx, id);
  let connectionId = domain.connectionId;
  if (values.mappingEnabled) {
    const parsed = connectionSchema.safeParse(connectionForDomain(domain.name, values));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field =
        issue.path[0] === "serverUrl" ? "hostname" : issue.path[0] === "managerDn" ? "username" : undefined;
      throw new UserError(issue.message, field ? { [field]: issue.message } : undefined);
    }
    if (connectionId) {
      try {
        await updateConnection(ctx, connectionId, { ...parsed.data, name: parsed.data.name });
      } catch (error) {
        if (error instanceof UserError && error.fieldErrors?.managerPassword)
          throw new UserError(error.message, { password: error.fieldErrors.managerPassword });
        throw error;
      }
      await setConnectionEnabled(ctx, connectionId, true);
    } else {
      if (!values.password)
        throw new UserError("Enter the password of the directory administrator.", {
          password: "Enter the password.",
        });
      connectionId = (await createConnection(ctx, parsed.data)).id;
    }
  } else if (connectionId) {
    await setConnectionEnabled(ctx, connectionId, false);
  }
  await db.$transaction(async (tx) => {
    await tx.domain.update({
      where: { id },
      data: {
        mappingEnabled: values.mappingEnabled,
        directoryType: values.directoryType,
        hostname: values.hostname || null,
        username: values.username || null,
        useLdaps: values.useLdaps,
        connectionId,
      },
    });
    await audit(tx, {
      actorId: ctx.actorId,
      organizationId: ctx.organizationId,
      action: "domain.directory-service",
      targetType: "domain",
      targetId: id,
      details: {
        mappingEnabled: values.mappingEnabled,
        directoryType: values.directoryType,
        hostname: values.hostname,
      },
    });
  });
}

export async function testDirectoryService(ctx: Ctx, id: string, values: DirectoryServiceInput) {
  const domain = await own(ctx, id);
  const parsed = connectionSchema.safeParse(
    connectionForDomain(domain.name, { ...values, mappingEnabled: true }),
  );
  if (!parsed.success) throw new UserError(parsed.error.issues[0].message);
  try {
    return await testConnectionValues(ctx, parsed.data, domain.connectionId ?? undefined);
  } catch (error) {
    if (error instanceof UserError && error.fieldErrors?.managerPassword)
      throw new UserError(error.message, { password: error.fieldErrors.managerPassword });
    throw error;
  }
}

const verificationSelect = {
  verifiedAt: true,
  verificationMethod: true,
  verificationToken: true,
  bindIpAddress: true,
  bindIpApprovedAt: true,
  ntDomainApprovedAt: true,
} as const;

export async function listDomains(organizationId: string) {
  const domains = await db.domain.findMany({
    where: { organizationId },
    orderBy: { name: "asc" },
    select: {
      id: true,
      name: true,
      mappingEnabled: true,
      directoryType: true,
      kerberosRealm: true,
      ntDomain: true,
      ...verificationSelect,
      connection: { select: { _count: { select: { users: true } } } },
    },
  });
  const taken = new Set(
    (
      await db.domain.findMany({
        where: {
          organizationId: { not: organizationId },
          verifiedAt: { not: null },
          name: { in: domains.filter((d) => !d.verifiedAt).map((d) => d.name) },
        },
        select: { name: true },
      })
    ).map((d) => d.name),
  );
  return domains.map((d) => ({ ...d, verifiedElsewhere: taken.has(d.name) }));
}

export async function getDomain(organizationId: string, id: string) {
  const domain = await db.domain.findFirst({
    where: { id, organizationId },
    select: {
      id: true,
      name: true,
      mappingEnabled: true,
      directoryType: true,
      hostname: true,
      username: true,
      useLdaps: true,
      kerberosRealm: true,
      pamServiceName: true,
      ntDomain: true,
      ...verificationSelect,
      connection: {
        select: {
          id: true,
          name: true,
          users: {
            take: 200,
            orderBy: { email: "asc" },
            select: { id: true, email: true, name: true, status: true },
          },
          groups: {
            take: 200,
            orderBy: { name: "asc" },
            select: { id: true, name: true, _count: { select: { members: true } } },
          },
        },
      },
    },
  });
  if (!domain) return null;
  const verifiedElsewhere = !domain.verifiedAt && (await nameVerifiedElsewhere(organizationId, domain.name));
  return { ...domain, verifiedElsewhere };
}

// --- Kerio: "Migrating user accounts from local database to directory service" ---

export type MigrationCandidate = {
  userId: string;
  email: string;
  name: string;
  accountName: string | null;
  dn: string;
  matchedBy: "email" | "account name";
  directoryEmail: string;
  files: number;
};

type LocalCandidate = {
  id: string;
  email: string;
  name: string;
  accountName: string | null;
  _count: { files: number };
};
type DirectoryMatch = MigrationCandidate & { entry: import("@/lib/sync/map").MappedEntry };

/** Only this organisation's own people: local accounts in its verified domains, never an administrator of
 *  the platform, nor someone of another organisation who merely received a share here. */
function localCandidates(organizationId: string, verified: Set<string>): Promise<LocalCandidate[]> {
  return db.user.findMany({
    where: {
      source: "LOCAL",
      isBuiltinAdmin: false,
      isPlatformAdmin: false,
      memberships: { some: { organizationId } },
      OR: [...verified].map((d) => ({ email: { endsWith: `@${d}` } })),
    },
    select: { id: true, email: true, name: true, accountName: true, _count: { select: { files: true } } },
  });
}

async function directoryMatches(ctx: Ctx, domainId: string) {
  const domain = await own(ctx, domainId);
  if (!domain.connectionId)
    throw new UserError("Map this domain from a directory service first (Directory Service tab).");
  const connection = await db.ldapConnection.findUniqueOrThrow({ where: { id: domain.connectionId } });
  const verified = await verifiedDomainsOf(ctx.organizationId);
  if (verified.size === 0) return { connectionId: connection.id, verified, matches: [] };
  const locals = await localCandidates(ctx.organizationId, verified);
  const { DirectoryConnection } = await import("@/lib/directory/client");
  const { decryptSecret } = await import("@/lib/crypto");
  const directory = await DirectoryConnection.open({
    ...connection,
    managerPassword: decryptSecret(connection.managerPasswordEnc),
  });
  const out: DirectoryMatch[] = [];
  try {
    // A few searches of up to 50 accounts each, rather than one per account.
    for (let i = 0; i < locals.length; i += 50) {
      await matchChunk(directory, connection, locals.slice(i, i + 50), verified, out);
    }
  } finally {
    await directory.close();
  }
  return { connectionId: connection.id, verified, matches: out };
}

/** Searches the directory for one chunk of local accounts (by email or account name) and appends each
 *  account that an entry may take over to `out`. */
async function matchChunk(
  directory: import("@/lib/directory/client").DirectoryConnection,
  connection: LdapConnection,
  chunk: LocalCandidate[],
  verified: Set<string>,
  out: DirectoryMatch[],
): Promise<void> {
  const { escapeFilterValue, normaliseFilter } = await import("@/lib/directory/filter");
  const { mapEntry } = await import("@/lib/sync/map");
  const terms = chunk.flatMap((u) => [
    `(${connection.emailField}=${escapeFilterValue(u.email)})`,
    ...(u.accountName ? [`(${connection.accountNameField}=${escapeFilterValue(u.accountName)})`] : []),
  ]);
  const filter = `(&${normaliseFilter(connection.syncFilter)}(|${terms.join("")}))`;
  const { entries } = await directory.search(connection.baseDn, {
    scope: "sub",
    filter,
    attributes: [
      connection.accountNameField,
      connection.emailField,
      connection.userPrincipalNameField,
      connection.fullNameField,
      connection.statusField,
      "objectGUID",
      "entryUUID",
    ],
    explicitBufferAttributes: ["objectGUID"],
  });
  for (const raw of entries) {
    const mapped = mapEntry(raw, connection);
    if (!mapped.ok) continue;
    const e = mapped.entry;
    const byEmail = chunk.find((u) => u.email === e.email);
    const byName = chunk.find(
      (u) => u.accountName && e.accountName && u.accountName.toLowerCase() === e.accountName.toLowerCase(),
    );
    const u = byEmail ?? byName;
    if (!u || out.some((c) => c.userId === u.id)) continue;
    // The directory's email becomes the account's: it must be this organisation's too.
    if (!verified.has(emailDomain(e.email))) continue;
    // Email is the identity: an entry whose email already belongs to another account cannot take this one.
    if (!byEmail) {
      const holder = await db.user.findUnique({ where: { email: e.email }, select: { id: true } });
      if (holder && holder.id !== u.id) continue;
    }
    out.push({
      userId: u.id,
      email: u.email,
      name: u.name,
      accountName: u.accountName,
      dn: e.dn,
      matchedBy: byEmail ? "email" : "account name",
      directoryEmail: e.email,
      files: u._count.files,
      entry: e,
    });
  }
}

export async function findMigrationCandidates(ctx: Ctx, domainId: string): Promise<MigrationCandidate[]> {
  return (await directoryMatches(ctx, domainId)).matches.map(({ entry: _entry, ...c }) => c);
}

/**
 * Converts the chosen local accounts to directory accounts of the domain's connection. Files, roles and
 * history stay: only the account's source, directory identity and fields change, and the local password is
 * dropped (the directory's password applies from now on).
 */
export async function migrateAccounts(ctx: Ctx, domainId: string, userIds: string[]) {
  const { connectionId, matches } = await directoryMatches(ctx, domainId);
  const chosen = matches.filter((m) => userIds.includes(m.userId));
  if (chosen.length === 0)
    throw new UserError("None of the chosen accounts matches a directory entry any more.");
  await db.$transaction(async (tx) => {
    for (const m of chosen) {
      const e = m.entry;
      await tx.user.update({
        where: { id: m.userId },
        data: {
          // The directory's email becomes the account's, so that synchronisation finds it.
          email: e.email,
          source: "DIRECTORY",
          connectionId,
          dn: e.dn,
          directoryId: e.directoryId,
          directoryHash: null,
          directoryStatus: e.statusValue,
          userPrincipalName: e.userPrincipalName,
          accountName: e.accountName,
          passwordHash: null,
          // Sessions opened with the local password end: the directory's password applies now.
          sessionVersion: { increment: 1 },
          lastSyncedAt: new Date(),
        },
      });
      await tx.syncEvent.create({
        data: {
          userId: m.userId,
          action: "migrated",
          details: {
            dn: e.dn,
            matchedBy: m.matchedBy,
            reason: "migrated from the local database to the directory service",
          },
        },
      });
    }
    await audit(tx, {
      actorId: ctx.actorId,
      organizationId: ctx.organizationId,
      action: "domain.migrate-accounts",
      targetType: "domain",
      targetId: domainId,
      details: { accounts: chosen.map((c) => c.email) },
    });
  });
  return { migrated: chosen.length };
}

/**
 * Seed 000: "If a directory server is unavailable, it is not possible to access" the console unless a local
 * administrator exists or the built-in admin is enabled.
 */
export async function lockoutRisk(organizationId: string): Promise<boolean> {
  const { builtinAdminEnabled } = await import("@/lib/auth/builtin-admin");
  if (builtinAdminEnabled()) return false;
  const localAdmins = await db.membership.count({
    where: { organizationId, roles: { has: "ORG_ADMIN" }, user: { source: "LOCAL", status: "ACTIVE" } },
  });
  return localAdmins === 0;
}
