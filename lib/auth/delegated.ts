import "server-only";
import { db } from "@/lib/db";
import { decryptSecret } from "@/lib/crypto";
import { DirectoryConnection, type DirectoryConfig } from "@/lib/directory/client";
import { DirectoryError } from "@/lib/directory/errors";
import { fillFilter } from "@/lib/directory/filter";
import { mapEntry, STABLE_ID_ATTRIBUTES } from "@/lib/sync/map";
import type { ParsedLogin } from "@/lib/auth/login-parse";

// Delegated authentication (seed 004): search as the manager with the Auth filter, then bind as the entry
// found with the typed password. The manager's search connection is reused between sign-ins; a user's bind
// always gets a connection of its own.

type Conn = Awaited<ReturnType<typeof loadConnections>>[number];

async function loadConnections() {
  return db.ldapConnection.findMany({
    where: { awaitingReview: false },
    orderBy: [{ position: "asc" }, { createdAt: "asc" }],
    select: {
      id: true,
      organizationId: true,
      name: true,
      serverUrl: true,
      serverTimeout: true,
      managerDn: true,
      managerPasswordEnc: true,
      baseDn: true,
      syncFilter: true,
      authFilter: true,
      domain: true,
      accountNameField: true,
      emailField: true,
      userPrincipalNameField: true,
      fullNameField: true,
      statusField: true,
      statusDisabled: true,
      statusDisabledMode: true,
      startTls: true,
      caCertificate: true,
      updatedAt: true,
      domainLink: { select: { ntDomain: true, bindIpAddress: true, name: true } },
      organization: { select: { defaultPlanId: true } },
    },
  });
}

const globalForManagers = globalThis as unknown as {
  managerConnections?: Map<string, { key: string; connection: Promise<DirectoryConnection> }>;
};
const managers = (globalForManagers.managerConnections ??= new Map());

function configOf(c: Conn): DirectoryConfig {
  return { ...c, managerPassword: decryptSecret(c.managerPasswordEnc) };
}

async function withManager<T>(c: Conn, fn: (d: DirectoryConnection) => Promise<T>): Promise<T> {
  const key = c.updatedAt.toISOString();
  for (let attempt = 0; ; attempt++) {
    let entry = managers.get(c.id);
    if (!entry || entry.key !== key) {
      if (entry) void entry.connection.then((d: DirectoryConnection) => d.close()).catch(() => {});
      entry = { key, connection: DirectoryConnection.open(configOf(c)) };
      managers.set(c.id, entry);
    }
    try {
      return await fn(await entry.connection);
    } catch (error) {
      // A reused connection the server closed: open a fresh one once.
      managers.delete(c.id);
      void entry.connection.then((d: DirectoryConnection) => d.close()).catch(() => {});
      const e = error as DirectoryError;
      if (attempt === 0 && (e.kind === "connection-lost" || e.kind === "timeout" || e.kind === "other"))
        continue;
      throw error;
    }
  }
}

function candidates(all: Conn[], login: ParsedLogin, host: string | undefined): Conn[] {
  const hostName = host
    ?.replace(/:\d+$/, "")
    .replace(/^\[|\]$/g, "")
    .toLowerCase();
  if (login.kind === "nt") {
    const nt = login.ntDomain.toLowerCase();
    return all.filter(
      (c) => c.domainLink?.ntDomain?.toLowerCase() === nt || c.domain.split(".")[0].toLowerCase() === nt,
    );
  }
  if (login.kind === "at") {
    const byDomain = all.filter(
      (c) => c.domain.toLowerCase() === login.domain || c.domainLink?.name.toLowerCase() === login.domain,
    );
    return [...byDomain, ...all.filter((c) => !byDomain.includes(c))];
  }
  // Kerio's "Bind this domain to specific IP address": reached on that address, bare names belong to it.
  const bound = hostName ? all.filter((c) => c.domainLink?.bindIpAddress === hostName) : [];
  return bound.length ? bound : all;
}

async function log(c: Conn, level: "WARNING" | "ERROR" | "INFO", message: string) {
  await db.logEntry
    .create({ data: { organizationId: c.organizationId, connectionId: c.id, level, message } })
    .catch(() => {});
}

export type DelegatedResult = { userId: string } | { refused: true };

/**
 * Returns the account of a directory user whose password the directory accepted, { refused } when a directory
 * answered no (the caller stops there), or null when no directory knows the name.
 */
export async function authenticateWithDirectory(
  login: ParsedLogin,
  password: string,
  host?: string,
): Promise<DelegatedResult | null> {
  // An empty password (or one of spaces) would be an anonymous bind, which "succeeds".
  if (!password.trim()) return { refused: true };
  const all = await loadConnections();
  for (const c of candidates(all, login, host)) {
    const value = login.kind === "at" ? login.value : login.name;
    const filter =
      login.kind === "at"
        ? fillFilter(c.authFilter, value)
        : `(|${wrap(fillFilter(c.authFilter, value))}(${c.accountNameField}=${fillFilter("{0}", value)}))`;
    let entries;
    try {
      entries = await withManager(
        c,
        async (d) =>
          (
            await d.search(c.baseDn, {
              scope: "sub",
              filter: wrap(filter),
              sizeLimit: 2,
              attributes: [
                c.accountNameField,
                c.emailField,
                c.userPrincipalNameField,
                c.fullNameField,
                c.statusField,
                ...STABLE_ID_ATTRIBUTES,
              ],
              explicitBufferAttributes: ["objectGUID"],
            })
          ).entries,
      );
    } catch (error) {
      const e = error as DirectoryError;
      if (e.kind === "size-limit") {
        await log(c, "WARNING", `Sign-in refused for "${value}": the Auth filter matches several entries.`);
        return { refused: true };
      }
      await log(
        c,
        "ERROR",
        `Sign-in of "${value}" could not reach the directory: ${e.message ?? "unknown error"} (directory unreachable)`,
      );
      continue;
    }
    if (entries.length === 0) continue;
    if (entries.length > 1) {
      await log(c, "WARNING", `Sign-in refused for "${value}": the Auth filter matches several entries.`);
      return { refused: true };
    }
    const entry = entries[0];
    const mapped = mapEntry(entry, c);
    if (!mapped.ok) {
      await log(
        c,
        "WARNING",
        `Sign-in refused for "${value}": the entry ${entry.dn} has no email (${c.emailField}).`,
      );
      return { refused: true };
    }
    if (mapped.entry.disabled) {
      await log(
        c,
        "WARNING",
        `Sign-in refused for "${value}": the entry is disabled in the directory (${c.statusField} ${mapped.entry.statusValue}).`,
      );
      return { refused: true };
    }
    // The entry must still be one the Sync filter selects: a user moved out of it has no business here.
    const inScope = await withManager(
      c,
      async (d) =>
        (await d.search(entry.dn, { scope: "base", filter: wrap(c.syncFilter), attributes: ["1.1"] })).entries
          .length === 1,
    ).catch(() => false);
    if (!inScope) {
      await log(
        c,
        "WARNING",
        `Sign-in refused for "${value}": the entry ${entry.dn} is outside the Sync filter.`,
      );
      return { refused: true };
    }
    // The user's own bind, on a connection of its own that is closed at once.
    try {
      const own = await DirectoryConnection.open(configOf(c), { dn: entry.dn, password, what: "user" });
      await own.close();
    } catch (error) {
      const e = error as DirectoryError;
      await log(
        c,
        e.kind === "invalid-credentials" ? "WARNING" : "ERROR",
        `Sign-in refused for "${value}" (${entry.dn}): ${e.message}`,
      );
      return { refused: true };
    }
    const userId = await accountFor(c, mapped.entry);
    if (!userId) {
      await log(
        c,
        "WARNING",
        `Sign-in refused for "${value}": the account ${mapped.entry.email} is disabled or pending transfer in the console, or is a local account.`,
      );
      return { refused: true };
    }
    return { userId };
  }
  return null;
}

function wrap(filter: string) {
  const f = filter.trim();
  return f.startsWith("(") ? f : `(${f})`;
}

/** The console account of a directory user, created on first sign-in as the next sync would have made it. */
async function accountFor(c: Conn, e: import("@/lib/sync/map").MappedEntry): Promise<string | null> {
  const existing = await db.user.findUnique({
    where: { email: e.email },
    select: { id: true, status: true, source: true },
  });
  if (existing) return existing.status === "ACTIVE" && existing.source === "DIRECTORY" ? existing.id : null;
  const created = await db.user.create({
    data: {
      email: e.email,
      name: e.fullName,
      accountName: e.accountName,
      userPrincipalName: e.userPrincipalName,
      dn: e.dn,
      source: "DIRECTORY",
      status: "ACTIVE",
      connectionId: c.id,
      directoryId: e.directoryId,
      directoryHash: e.hash,
      directoryStatus: e.statusValue,
      lastSyncedAt: new Date(),
      memberships: {
        create: {
          organizationId: c.organizationId,
          roles: ["ORIGINATOR"],
          planId: c.organization.defaultPlanId,
        },
      },
      syncEvents: {
        create: {
          action: "created",
          details: { email: e.email, dn: e.dn, directoryId: e.directoryId, at: "first sign-in" },
        },
      },
    },
    select: { id: true },
  });
  await log(c, "INFO", `Account ${e.email} created at its first sign-in.`);
  return created.id;
}
