import "server-only";
import type { Entry } from "ldapts";
import { DirectoryConnection, allValues, preferring, type DirectoryConfig } from "@/lib/directory/client";
import { DirectoryError } from "@/lib/directory/errors";
import type { DirectoryPreset, FieldNames } from "@/lib/directory/presets";
import {
  accountOf,
  accountRefusal,
  authAttributes,
  authSearchFilter,
  inSyncScope,
  notVerifiedRefusal,
} from "@/lib/auth/delegated";
import { parseLogin } from "@/lib/auth/login-parse";
import { verifiedOwnerOfDomain, verifiedOwnerOfEmail } from "@/lib/identity/domains";
import { mapEntry, type MappedEntry } from "@/lib/sync/map";

// "Test a user's sign-in" from the connection dialog: the sign-in's own steps (lib/auth/delegated.ts) run one
// by one and each is reported. Nothing is stored: no account, no session, no log line with the password. The
// password goes to the directory only when the sign-in itself would send it (after the tenant checks).

export type SignInStep = {
  name: string;
  /** null: not run, because an earlier step already decides the outcome. */
  ok: boolean | null;
  detail: string;
};

export type SignInTest = { ok: boolean; steps: SignInStep[]; fields?: MappedFields };

export type MappedFields = {
  email: string;
  fullName: string;
  accountName: string | null;
  userPrincipalName: string | null;
};

export type SignInTestInput = {
  organizationId: string;
  connectionId: string;
  config: DirectoryConfig & FieldNames & { syncFilter: string; authFilter: string; preset: DirectoryPreset };
  login: string;
  password: string;
};

export async function testSignIn(t: SignInTestInput): Promise<SignInTest> {
  const steps: SignInStep[] = [];
  const login = parseLogin(t.login.trim().toLowerCase());
  if (login.kind === "at") {
    const routed = (await verifiedOwnerOfDomain(login.domain)) === t.organizationId;
    steps.push({
      name: "Route the login",
      ok: routed,
      detail: routed
        ? `${login.domain} is a verified domain of this organisation.`
        : `${login.domain} is not a verified domain of this organisation: its sign-ins never reach this ` +
          "directory.",
    });
    if (!routed) return { ok: false, steps };
  }
  let manager: DirectoryConnection;
  try {
    manager = await DirectoryConnection.open(t.config);
  } catch (error) {
    steps.push({ name: "Bind as the manager", ok: false, detail: (error as DirectoryError).message });
    return { ok: false, steps };
  }
  const failed = manager.failed.map((f) => f.url).join(", ");
  steps.push({
    name: "Bind as the manager",
    ok: true,
    detail: `Bound as ${t.config.managerDn} at ${manager.url}${failed ? ` (after ${failed} failed)` : ""}.`,
  });
  try {
    const entry = await findOne(manager, t, steps);
    if (!entry) return { ok: false, steps };
    return await checkAndBind(manager, t, entry, steps);
  } finally {
    await manager.close();
  }
}

async function findOne(d: DirectoryConnection, t: SignInTestInput, steps: SignInStep[]) {
  const filter = authSearchFilter(t.config, parseLogin(t.login.trim().toLowerCase()));
  const name = "Search with the Auth filter";
  let entries: Entry[];
  try {
    const attributes = [...authAttributes(t.config), "memberOf"];
    const options = { scope: "sub" as const, filter, sizeLimit: 2, attributes };
    entries = (await d.search(t.config.baseDn, { ...options, explicitBufferAttributes: ["objectGUID"] }))
      .entries;
  } catch (error) {
    const e = error as DirectoryError;
    const several = e.kind === "size-limit";
    steps.push({ name, ok: false, detail: several ? `${filter}: several entries match.` : e.message });
    return null;
  }
  steps.push({
    name,
    ok: entries.length === 1,
    detail: `${filter} under ${t.config.baseDn}: ${entries.length === 0 ? "no entry" : entries.length === 1 ? "one entry" : "several entries (refused as ambiguous)"}.`,
  });
  if (entries.length !== 1) return null;
  steps.push({ name: "Entry found", ok: true, detail: entries[0].dn });
  return entries[0];
}

/** The checks the sign-in makes before it sends the password, then the user's own bind. */
async function checkAndBind(
  d: DirectoryConnection,
  t: SignInTestInput,
  entry: Entry,
  steps: SignInStep[],
): Promise<SignInTest> {
  const mapped = mapEntry(entry, t.config);
  if (!mapped.ok) {
    steps.push({ name: "Mapped fields", ok: false, detail: `No valid email in ${t.config.emailField}.` });
    return { ok: false, steps };
  }
  const e = mapped.entry;
  const status: SignInStep = {
    name: "Status",
    ok: !e.disabled,
    detail: `${e.disabled ? "Disabled" : "Enabled"} (${t.config.statusField}: ${e.statusValue ?? "no value"}).`,
  };
  const inScope = await inSyncScope(d, e.dn, t.config.syncFilter).catch(() => false);
  const scope: SignInStep = {
    name: "Sync filter",
    ok: inScope,
    detail: `The entry is ${inScope ? "selected by" : "outside"} ${t.config.syncFilter}.`,
  };
  const refusals = [status, scope, await tenantStep(t, e)];
  const groups = allValues(entry, "memberOf");
  steps.push(...refusals, {
    name: "Groups",
    ok: true,
    detail: groups.length
      ? `Member of ${groups.length}: ${groups.slice(0, 5).join("; ")}`
      : "No memberOf values.",
  });
  const fields = {
    email: e.email,
    fullName: e.fullName,
    accountName: e.accountName,
    userPrincipalName: e.userPrincipalName,
  };
  if (refusals.some((s) => !s.ok)) {
    steps.push({ name: "Bind as the user", ok: null, detail: "Not tried: the sign-in stops before it." });
    return { ok: false, steps, fields };
  }
  try {
    const own = await DirectoryConnection.open(preferring(t.config, d.url), {
      dn: e.dn,
      password: t.password,
      what: "user",
    });
    await own.close();
    steps.push({
      name: "Bind as the user",
      ok: true,
      detail: `The directory accepted the password for ${e.dn}.`,
    });
    return { ok: true, steps, fields };
  } catch (error) {
    steps.push({ name: "Bind as the user", ok: false, detail: (error as DirectoryError).message });
    return { ok: false, steps, fields };
  }
}

/** The tenant rule, as the sign-in applies it: the entry's email, and the console account that holds it. */
async function tenantStep(t: SignInTestInput, e: MappedEntry): Promise<SignInStep> {
  const name = "Organisation";
  if ((await verifiedOwnerOfEmail(e.email)) !== t.organizationId)
    return { name, ok: false, detail: notVerifiedRefusal(e.email) };
  const account = await accountOf(e.email);
  const refusal = account ? accountRefusal(account, t.connectionId, e) : null;
  if (refusal) return { name, ok: false, detail: refusal };
  return {
    name,
    ok: true,
    detail: account
      ? `${e.email} is this connection's account.`
      : `${e.email}: created at the first sign-in.`,
  };
}
