import "server-only";
import { db } from "@/lib/db";
import { decryptSecret } from "@/lib/crypto";
import { DirectoryConnection, preferring, type DirectoryConfig } from "@/lib/directory/client";
import { DirectoryError, type DirectoryErrorKind } from "@/lib/directory/errors";
import { fillFilter, normaliseFilter } from "@/lib/directory/filter";
import { createDirectoryAccount } from "@/lib/identity/accounts";
import { verifiedOwnerOfEmail } from "@/lib/identity/domains";
import { computedStatusAttributes, type DirectoryPreset, type FieldNames } from "@/lib/directory/presets";
import { mapEntry, STABLE_ID_ATTRIBUTES, type MappedEntry } from "@/lib/sync/map";
import type { ParsedLogin } from "@/lib/auth/login-parse";
import type { Entry } from "ldapts";

// Delegated authentication (seed 004): search as the manager with the Auth filter, then bind as the entry
// found with the typed password. The tenant rule decides which directory may even be asked (DESIGN.md):
// - an account bound to a connection authenticates through that connection only, as its own entry;
// - a login with no account yet goes only to the connections of the organisation that verified its domain
//   (name@domain), whose verified domain carries its approved NT name (DOMAIN\name), or whose approved bound
//   address the console was reached on (bare names). Never to every organisation's connections.
// The manager's search connection is reused between sign-ins; a user's bind always gets one of its own.

const CONNECTION_SELECT = {
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
  preset: true,
  startTls: true,
  caCertificate: true,
  updatedAt: true,
  organization: { select: { defaultPlanId: true } },
} as const;

type Conn = Awaited<ReturnType<typeof connectionsOf>>[number];

/** The connections of one organisation that may authenticate (not awaiting review), in their order. */
async function connectionsOf(organizationId: string, only?: string) {
  return db.ldapConnection.findMany({
    where: { organizationId, awaitingReview: false, ...(only ? { id: only } : {}) },
    orderBy: [{ position: "asc" }, { createdAt: "asc" }],
    select: CONNECTION_SELECT,
  });
}

const globalForManagers = globalThis as unknown as {
  managerConnections?: Map<string, ManagerEntry>;
};
const managers = (globalForManagers.managerConnections ??= new Map<string, ManagerEntry>());

function configOf(c: Conn): DirectoryConfig {
  return { ...c, managerPassword: decryptSecret(c.managerPasswordEnc) };
}

// Failures of the connection itself (not an LDAP answer): the reused connection is dropped and replaced.
const CONNECTION_FAILURES = new Set<DirectoryErrorKind>([
  "connection-lost",
  "connection-refused",
  "timeout",
  "unavailable",
  "other",
]);

/**
 * Runs `fn` on the organisation's reused manager connection. The connection binds again itself after ldapts
 * reconnects (DirectoryConnection.resume); when that fails too (the server restarted and its host is gone, a
 * socket half-open), the connection is replaced once by a fresh one, which tries every Server URL again. An
 * LDAP answer (no such object, size limit) leaves the connection in place for the other sign-ins using it.
 */
async function withManager<T>(c: Conn, fn: (d: DirectoryConnection) => Promise<T>): Promise<T> {
  const key = c.updatedAt.toISOString();
  for (let attempt = 0; ; attempt++) {
    let entry = managers.get(c.id);
    if (!entry || entry.key !== key) {
      if (entry) dropManager(c.id, entry);
      entry = { key, connection: DirectoryConnection.open(configOf(c)) };
      managers.set(c.id, entry);
    }
    try {
      return await fn(await entry.connection);
    } catch (error) {
      const e = error as DirectoryError;
      if (!CONNECTION_FAILURES.has(e.kind)) throw error;
      dropManager(c.id, entry);
      if (attempt === 0) continue;
      throw error;
    }
  }
}

type ManagerEntry = { key: string; connection: Promise<DirectoryConnection> };

/** Closes a manager connection and forgets it, unless another sign-in has already replaced it. */
function dropManager(id: string, entry: ManagerEntry) {
  if (managers.get(id) === entry) managers.delete(id);
  void entry.connection.then((d) => d.close()).catch(() => {});
}

/**
 * The user's bind goes first to the host that answered the manager's search: a dead primary costs one Server
 * Timeout per reconnect of the manager connection, not one more per sign-in.
 */
async function userBindConfig(c: Conn): Promise<DirectoryConfig> {
  const url = await managers
    .get(c.id)
    ?.connection.then((d) => d.url)
    .catch(() => undefined);
  return url ? preferring(configOf(c), url) : configOf(c);
}

/** The account a login names by its email, when it is a directory account bound to a connection. */
async function boundAccount(login: ParsedLogin) {
  if (login.kind !== "at") return null;
  const account = await db.user.findUnique({
    where: { email: login.value.toLowerCase() },
    select: { id: true, source: true, connectionId: true, directoryId: true, dn: true },
  });
  return account?.source === "DIRECTORY" && account.connectionId ? account : null;
}

type Bound = NonNullable<Awaited<ReturnType<typeof boundAccount>>>;

/** The organisation a login with no account is routed to, or null: then no directory is asked. */
async function routedOrganization(login: ParsedLogin, host: string | undefined): Promise<string | null> {
  if (login.kind === "at") {
    const domain = await db.domain.findFirst({
      where: { name: login.domain, verifiedAt: { not: null } },
      select: { organizationId: true },
    });
    return domain?.organizationId ?? null;
  }
  if (login.kind === "nt") {
    // Only an NT name a platform administrator approved, on a verified domain: first-come names are not
    // proof.
    const domain = await db.domain.findFirst({
      where: {
        ntDomain: { equals: login.ntDomain, mode: "insensitive" },
        ntDomainApprovedAt: { not: null },
        verifiedAt: { not: null },
      },
      select: { organizationId: true },
    });
    return domain?.organizationId ?? null;
  }
  return boundAddressOrganization(host);
}

/**
 * Kerio's "Bind this domain to specific IP address": reached on an approved bound address, bare names belong to
 * that organisation (its directories, and its own local accounts). Null elsewhere.
 */
export async function boundAddressOrganization(host: string | undefined): Promise<string | null> {
  const address = host
    ?.replace(/:\d+$/, "")
    .replace(/^\[|\]$/g, "")
    .toLowerCase();
  if (!address) return null;
  const bound = await db.domain.findFirst({
    where: { bindIpAddress: address, bindIpApprovedAt: { not: null } },
    select: { organizationId: true },
  });
  return bound?.organizationId ?? null;
}

async function log(c: Conn, level: "WARNING" | "ERROR" | "INFO", message: string) {
  await db.logEntry
    .create({ data: { organizationId: c.organizationId, connectionId: c.id, level, message } })
    .catch(() => {});
}

/**
 * `passwordExpired`: the directory's answer proves the password was right, but it has expired or must be
 * changed first (Active Directory 532 and 773): the person is told to change it in their directory.
 */
export type DelegatedResult = { userId: string } | { refused: true; passwordExpired?: true };

/** Active Directory bind sub-codes that mean "right password, but change it first". */
const PASSWORD_EXPIRED_SUBCODES = new Set(["532", "773"]);

/**
 * Returns the account of a directory user whose password their own directory accepted, { refused } when a
 * directory answered no (the caller stops there), or null when no directory may be asked or none knows the
 * name.
 */
export async function authenticateWithDirectory(
  login: ParsedLogin,
  password: string,
  host?: string,
): Promise<DelegatedResult | null> {
  // An empty password (or one of spaces) would be an anonymous bind, which "succeeds".
  if (!password.trim()) return { refused: true };
  const bound = await boundAccount(login);
  let connections: Conn[];
  if (bound) {
    const owner = await db.ldapConnection.findUnique({
      where: { id: bound.connectionId! },
      select: { organizationId: true },
    });
    connections = owner ? await connectionsOf(owner.organizationId, bound.connectionId!) : [];
  } else {
    const organizationId = await routedOrganization(login, host);
    connections = organizationId ? await connectionsOf(organizationId) : [];
  }
  for (const c of connections) {
    const result = await tryConnection(c, login, password, bound);
    if (result) return result;
  }
  return null;
}

/** One connection's answer: the account, a refusal, or null when it does not know the name. */
async function tryConnection(
  c: Conn,
  login: ParsedLogin,
  password: string,
  bound: Bound | null,
): Promise<DelegatedResult | null> {
  const value = login.kind === "at" ? login.value : login.name;
  const found = await findEntry(c, login, bound);
  if (found === "unreachable" || found === null) return null;
  if (found === "ambiguous") {
    await log(c, "WARNING", `Sign-in refused for "${value}": the Auth filter matches several entries.`);
    return { refused: true };
  }
  const checked = await checkEntry(c, found, bound);
  if ("refused" in checked) {
    await log(c, "WARNING", `Sign-in refused for "${value}": ${checked.refused}`);
    return { refused: true };
  }
  // The user's own bind, on a connection of its own that is closed at once: only after every check above, so
  // that no directory receives a password for a person its organisation does not own.
  try {
    const own = await DirectoryConnection.open(await userBindConfig(c), {
      dn: found.dn,
      password,
      what: "user",
    });
    await own.close();
  } catch (error) {
    const e = error as DirectoryError;
    await log(
      c,
      e.kind === "invalid-credentials" ? "WARNING" : "ERROR",
      `Sign-in refused for "${value}" (${found.dn}): ${e.message}`,
    );
    if (e.kind === "invalid-credentials" && PASSWORD_EXPIRED_SUBCODES.has(e.detail ?? ""))
      return { refused: true, passwordExpired: true };
    return { refused: true };
  }
  const userId = checked.userId ?? (await createAccount(c, checked.entry));
  return { userId };
}

const wrap = normaliseFilter;

/**
 * The search a login runs with: the Auth filter, or the Email Field for an email (in Active Directory the UPN
 * suffix is often not the mail domain, and seed 004 makes the email a sign-in credential), or the Account Name
 * field for a bare or DOMAIN\ name. Every value is escaped (RFC 4515). Two entries that match differently are
 * "ambiguous", never a guess.
 */
export function authSearchFilter(
  c: { authFilter: string; emailField: string; accountNameField: string },
  login: ParsedLogin,
): string {
  const value = login.kind === "at" ? login.value : login.name;
  const field = login.kind === "at" ? c.emailField : c.accountNameField;
  return `(|${wrap(fillFilter(c.authFilter, value))}(${field}=${fillFilter("{0}", value)}))`;
}

/** What a sign-in reads of the entry it finds: the mapped fields and its stable id. */
export function authAttributes(c: FieldNames & { preset: DirectoryPreset }): string[] {
  return [
    c.accountNameField,
    c.emailField,
    c.userPrincipalNameField,
    c.fullNameField,
    c.statusField,
    // The status the server computes (389's role lock, AD's lockout): a locked entry may not sign in.
    ...computedStatusAttributes(c.preset),
    ...STABLE_ID_ATTRIBUTES,
  ];
}

/** The entry a login names in one connection: by the Auth filter, else (a bound account) its own DN. */
async function findEntry(
  c: Conn,
  login: ParsedLogin,
  bound: Bound | null,
): Promise<Entry | "ambiguous" | "unreachable" | null> {
  const value = login.kind === "at" ? login.value : login.name;
  const filter = authSearchFilter(c, login);
  const attributes = authAttributes(c);
  const search = (base: string, scope: "sub" | "base", f: string) =>
    withManager(c, async (d) => {
      const options = {
        scope,
        filter: f,
        sizeLimit: 2,
        attributes,
        explicitBufferAttributes: ["objectGUID"],
      };
      return (await d.search(base, options)).entries;
    });
  try {
    let entries = await search(c.baseDn, "sub", wrap(filter));
    // Signing in with the email of a known account works whatever attribute the Auth filter names.
    if (entries.length === 0 && bound?.dn) entries = await search(bound.dn, "base", "(objectClass=*)");
    if (entries.length > 1) return "ambiguous";
    return entries[0] ?? null;
  } catch (error) {
    const e = error as DirectoryError;
    if (e.kind === "size-limit") return "ambiguous";
    if (e.kind === "base-dn-not-found" && bound) return null;
    await log(
      c,
      "ERROR",
      `Sign-in of "${value}" could not reach the directory: ${e.message ?? "unknown error"} ` +
        "(directory unreachable)",
    );
    return "unreachable";
  }
}

/**
 * Whether this entry may sign in through this connection: its email must be in a verified domain of the
 * connection's organisation, and its account (if any) must be this connection's own account of this entry.
 */
async function checkEntry(
  c: Conn,
  entry: Entry,
  bound: Bound | null,
): Promise<{ refused: string } | { userId: string | null; entry: MappedEntry }> {
  const mapped = mapEntry(entry, c);
  if (!mapped.ok) return { refused: `the entry ${entry.dn} has no valid email (${c.emailField}).` };
  const e = mapped.entry;
  if (e.disabled)
    return { refused: `the entry is disabled in the directory (${c.statusField} ${e.statusValue}).` };
  if ((await verifiedOwnerOfEmail(e.email)) !== c.organizationId)
    return { refused: notVerifiedRefusal(e.email) };
  const account = await accountOf(e.email);
  if (bound && account?.id !== bound.id)
    return { refused: `the entry ${entry.dn} is not the directory entry of ${bound.dn ?? "this account"}.` };
  if (account) {
    const refusal = accountRefusal(account, c.id, e);
    if (refusal) return { refused: refusal };
  }
  // The entry must still be one the Sync filter selects: a user moved out of it has no business here.
  const inScope = await withManager(c, (d) => inSyncScope(d, entry.dn, c.syncFilter)).catch(() => false);
  if (!inScope) return { refused: `the entry ${entry.dn} is outside the Sync filter.` };
  return { userId: account?.id ?? null, entry: e };
}

export const notVerifiedRefusal = (email: string) =>
  `${email} is not in a verified domain of this organisation.`;

/** Whether the Sync filter still selects the entry at `dn`. */
export async function inSyncScope(d: DirectoryConnection, dn: string, syncFilter: string): Promise<boolean> {
  const options = { scope: "base" as const, filter: wrap(syncFilter), attributes: ["1.1"] };
  return (await d.search(dn, options)).entries.length === 1;
}

/** The console account that holds an email, with what the sign-in checks about it. */
export async function accountOf(email: string) {
  return db.user.findUnique({
    where: { email },
    select: { id: true, status: true, source: true, connectionId: true, directoryId: true, dn: true },
  });
}

/** Why an existing console account may not sign in through this connection's entry, or null. */
export function accountRefusal(
  a: { status: string; source: string; connectionId: string | null; directoryId: string | null },
  connectionId: string,
  e: MappedEntry,
): string | null {
  if (a.source !== "DIRECTORY")
    return `the account ${e.email} is a local account: migrate it to the directory first.`;
  if (a.connectionId !== connectionId || (a.directoryId && e.directoryId && a.directoryId !== e.directoryId))
    return `the account ${e.email} belongs to another directory entry (identity conflict).`;
  if (a.status !== "ACTIVE") return `the account ${e.email} is disabled or pending transfer in the console.`;
  return null;
}

/** The console account of a directory user, created on first sign-in as the next sync would have made it. */
async function createAccount(c: Conn, e: MappedEntry): Promise<string> {
  const id = await createDirectoryAccount(e, {
    connectionId: c.id,
    orgId: c.organizationId,
    defaultPlanId: c.organization.defaultPlanId,
    runId: null,
  });
  await log(c, "INFO", `Account ${e.email} created at its first sign-in.`);
  return id;
}
