import "server-only";
import { db } from "@/lib/db";
import { audit } from "@/lib/audit";
import { NotFoundError, UserError, isUniqueViolation } from "@/lib/errors";
import { connectionSchema } from "@/lib/connections/schema";
import { createConnection, setConnectionEnabled, testConnectionValues, updateConnection } from "@/lib/connections/service";
import { connectionForDomain } from "@/lib/domains/derive";
import type { AdvancedInput, DirectoryServiceInput } from "@/lib/domains/schema";

type Ctx = { actorId: string | null; organizationId: string };

async function own(ctx: Ctx, id: string) {
  const domain = await db.domain.findFirst({ where: { id, organizationId: ctx.organizationId } });
  if (!domain) throw new NotFoundError("Domain not found.");
  return domain;
}

export async function createDomain(ctx: Ctx, name: string) {
  try {
    return await db.$transaction(async (tx) => {
      // Kerio: "The Kerberos realm name is your domain name and is specified automatically upon domain creation."
      const domain = await tx.domain.create({ data: { organizationId: ctx.organizationId, name, kerberosRealm: name.toUpperCase() }, select: { id: true } });
      await audit(tx, { actorId: ctx.actorId, organizationId: ctx.organizationId, action: "domain.create", targetType: "domain", targetId: domain.id, details: { name } });
      return domain;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new UserError("This domain exists already.", { name: "This domain exists already." });
    throw error;
  }
}

export async function renameDomain(ctx: Ctx, id: string, name: string) {
  await own(ctx, id);
  try {
    await db.$transaction(async (tx) => {
      await tx.domain.update({ where: { id }, data: { name } });
      await audit(tx, { actorId: ctx.actorId, organizationId: ctx.organizationId, action: "domain.rename", targetType: "domain", targetId: id, details: { name } });
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new UserError("Another domain has this name.", { name: "Another domain has this name." });
    throw error;
  }
}

export async function deleteDomain(ctx: Ctx, id: string) {
  const domain = await own(ctx, id);
  await db.$transaction(async (tx) => {
    await tx.domain.delete({ where: { id } });
    await audit(tx, { actorId: ctx.actorId, organizationId: ctx.organizationId, action: "domain.delete", targetType: "domain", targetId: id, details: { name: domain.name } });
  });
}

export async function saveAdvanced(ctx: Ctx, id: string, values: AdvancedInput) {
  await own(ctx, id);
  await db.$transaction(async (tx) => {
    await tx.domain.update({
      where: { id },
      data: { kerberosRealm: values.kerberosRealm || null, pamServiceName: values.pamServiceName || null, ntDomain: values.ntDomain || null, bindIpAddress: values.bindIpAddress || null },
    });
    await audit(tx, { actorId: ctx.actorId, organizationId: ctx.organizationId, action: "domain.advanced", targetType: "domain", targetId: id, details: values });
  });
}

/**
 * Saving the Directory Service tab creates or updates the domain's LDAP connection (the same model and engine as
 * the LDAP Connections page); turning mapping off disables that connection and keeps it.
 */
export async function saveDirectoryService(ctx: Ctx, id: string, values: DirectoryServiceInput) {
  const domain = await own(ctx, id);
  let connectionId = domain.connectionId;
  if (values.mappingEnabled) {
    const parsed = connectionSchema.safeParse(connectionForDomain(domain.name, values));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue.path[0] === "serverUrl" ? "hostname" : issue.path[0] === "managerDn" ? "username" : undefined;
      throw new UserError(issue.message, field ? { [field]: issue.message } : undefined);
    }
    if (connectionId) {
      try {
        await updateConnection(ctx, connectionId, { ...parsed.data, name: parsed.data.name });
      } catch (error) {
        if (error instanceof UserError && error.fieldErrors?.managerPassword) throw new UserError(error.message, { password: error.fieldErrors.managerPassword });
        throw error;
      }
      await setConnectionEnabled(ctx, connectionId, true);
    } else {
      if (!values.password) throw new UserError("Enter the password of the directory administrator.", { password: "Enter the password." });
      connectionId = (await createConnection(ctx, parsed.data)).id;
    }
  } else if (connectionId) {
    await setConnectionEnabled(ctx, connectionId, false);
  }
  await db.$transaction(async (tx) => {
    await tx.domain.update({
      where: { id },
      data: { mappingEnabled: values.mappingEnabled, directoryType: values.directoryType, hostname: values.hostname || null, username: values.username || null, useLdaps: values.useLdaps, connectionId },
    });
    await audit(tx, { actorId: ctx.actorId, organizationId: ctx.organizationId, action: "domain.directory-service", targetType: "domain", targetId: id, details: { mappingEnabled: values.mappingEnabled, directoryType: values.directoryType, hostname: values.hostname } });
  });
}

export async function testDirectoryService(ctx: Ctx, id: string, values: DirectoryServiceInput) {
  const domain = await own(ctx, id);
  const parsed = connectionSchema.safeParse(connectionForDomain(domain.name, { ...values, mappingEnabled: true }));
  if (!parsed.success) throw new UserError(parsed.error.issues[0].message);
  try {
    return await testConnectionValues(ctx, parsed.data, domain.connectionId ?? undefined);
  } catch (error) {
    if (error instanceof UserError && error.fieldErrors?.managerPassword) throw new UserError(error.message, { password: error.fieldErrors.managerPassword });
    throw error;
  }
}

export async function listDomains(organizationId: string) {
  return db.domain.findMany({
    where: { organizationId },
    orderBy: { name: "asc" },
    select: { id: true, name: true, mappingEnabled: true, directoryType: true, kerberosRealm: true, ntDomain: true, connection: { select: { _count: { select: { users: true } } } } },
  });
}

export async function getDomain(organizationId: string, id: string) {
  return db.domain.findFirst({
    where: { id, organizationId },
    select: {
      id: true, name: true, mappingEnabled: true, directoryType: true, hostname: true, username: true, useLdaps: true, kerberosRealm: true, pamServiceName: true, ntDomain: true, bindIpAddress: true,
      connection: { select: { id: true, name: true, users: { take: 200, orderBy: { email: "asc" }, select: { id: true, email: true, name: true, status: true } }, groups: { take: 200, orderBy: { name: "asc" }, select: { id: true, name: true, _count: { select: { members: true } } } } } },
    },
  });
}
