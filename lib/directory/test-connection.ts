import "server-only";
import type { Entry } from "ldapts";
import {
  DirectoryConnection,
  allValues,
  firstValue,
  type DirectoryConfig,
  type FailedHost,
} from "@/lib/directory/client";
import { DirectoryError } from "@/lib/directory/errors";
import { countGroups, missedGroupsHint, type GroupCount } from "@/lib/directory/groups";
import {
  groupSettings,
  isDisabledValue,
  type DirectoryPreset,
  type FieldNames,
} from "@/lib/directory/presets";
import { normaliseFilter } from "@/lib/directory/filter";
import { mapEntry } from "@/lib/sync/map";

export type MappingConfig = DirectoryConfig &
  FieldNames & {
    syncFilter: string;
    /** With the preset, the group settings are tested too (blank ones mean the preset's defaults). */
    preset?: DirectoryPreset;
    groupBaseDn?: string | null;
    groupFilter?: string | null;
  };

export type Sample = {
  dn: string;
  accountName?: string;
  email?: string;
  userPrincipalName?: string;
  fullName?: string;
  disabled: boolean;
};

/** With several Server URLs: the one that answered and the ones that failed before it (or all that failed). */
type Hosts = { answeredBy?: string; failedHosts?: FailedHost[] };

export type TestResult = Hosts &
  (
    | {
        ok: true;
        message: string;
        server: { vendor: string; pagedResults: boolean; activeDirectory: boolean };
        count: number;
        more: boolean;
        samples: Sample[];
        hints: string[];
        /** What the group settings find (capped like the user count); absent without a preset. */
        groups?: GroupCount & { message: string };
      }
    | {
        ok: false;
        kind: string;
        message: string;
        step: "connect" | "bind" | "root-dse" | "base-dn" | "search";
        server?: { vendor: string; pagedResults: boolean; activeDirectory: boolean };
        hints: string[];
      }
  );

export const COUNT_CAP = 1000;
const PAGED_RESULTS_OID = "1.2.840.113556.1.4.319";

/**
 * A sample as the sync maps it (lib/sync/map.ts mapEntry): normalised email, the full-name fallback, the
 * status rule. An entry the sync would skip (no valid email) shows its raw fields without an email, so that a
 * wrong Email Field is plain to see.
 */
export function mapSample(entry: Entry, config: MappingConfig): Sample {
  const mapped = mapEntry(entry, config);
  if (mapped.ok) {
    const e = mapped.entry;
    return {
      dn: e.dn,
      accountName: e.accountName ?? undefined,
      email: e.email,
      userPrincipalName: e.userPrincipalName ?? undefined,
      fullName: e.fullName,
      disabled: e.disabled,
    };
  }
  return {
    dn: entry.dn,
    accountName: firstValue(entry, config.accountNameField),
    userPrincipalName: firstValue(entry, config.userPrincipalNameField),
    fullName: firstValue(entry, config.fullNameField),
    disabled: isDisabledValue(
      allValues(entry, config.statusField),
      config.statusDisabled,
      config.statusDisabledMode,
    ),
  };
}

function describeServer(dse: Entry | undefined) {
  const get = (a: string) => (dse ? firstValue(dse, a) : undefined);
  const activeDirectory = Boolean(
    get("forestFunctionality") || get("domainControllerFunctionality") || get("dsServiceName"),
  );
  const vendorName = get("vendorName");
  const vendor = activeDirectory
    ? "Microsoft Active Directory (or compatible, e.g. Samba)"
    : vendorName
      ? `${vendorName}${get("vendorVersion") ? ` ${get("vendorVersion")}` : ""}`
      : dse && allValues(dse, "objectClass").some((o) => o.toLowerCase() === "openldaprootdse")
        ? "OpenLDAP"
        : "unknown vendor";
  const pagedResults = dse ? allValues(dse, "supportedControl").includes(PAGED_RESULTS_OID) : false;
  return { vendor, pagedResults, activeDirectory };
}

/**
 * Test connection: bind as the manager, read the root DSE and the base DN, count the entries the sync filter
 * matches (paged, up to COUNT_CAP) and map up to five samples. Every failure says which step failed and why.
 */
export async function testConnection(config: MappingConfig): Promise<TestResult> {
  const hints: string[] = [];
  let connection: DirectoryConnection;
  try {
    connection = await DirectoryConnection.open(config);
  } catch (error) {
    const e = error as DirectoryError;
    return {
      ok: false,
      kind: e.kind,
      message: e.message,
      step: e.kind === "invalid-credentials" || e.kind === "encryption-required" ? "bind" : "connect",
      hints,
      failedHosts: e.failedHosts ?? [],
    };
  }
  const hosts: Hosts = { answeredBy: connection.url, failedHosts: connection.failed };
  try {
    const server = await readServer(connection, hints);
    const failure = (e: DirectoryError, step: "base-dn" | "search", message = e.message): TestResult => ({
      ok: false,
      kind: step === "search" && e.kind === "other" ? "filter-invalid" : e.kind,
      message,
      step,
      server,
      hints,
      ...hosts,
    });
    try {
      await connection.search(config.baseDn, {
        scope: "base",
        filter: "(objectClass=*)",
        attributes: ["objectClass"],
      });
    } catch (error) {
      return failure(error as DirectoryError, "base-dn");
    }
    let found: Awaited<ReturnType<typeof countEntries>>;
    try {
      found = await countEntries(connection, config);
    } catch (error) {
      const e = error as DirectoryError;
      const refused = e.kind === "other" || e.kind === "filter-invalid";
      return failure(e, "search", refused ? `The server refused the Sync filter: ${e.message}` : e.message);
    }
    if (found.count === 0)
      return {
        ok: false,
        kind: "no-entries",
        message:
          "Connected and signed in, but no entries under Base DN match the Sync filter. Check Base " +
          "DN and Sync filter.",
        step: "search",
        server,
        hints,
        ...hosts,
      };
    hints.push(...readHints(found, server, config));
    const groups = config.preset ? await testGroups(connection, config, config.preset) : undefined;
    const shown = found.more ? `more than ${COUNT_CAP}` : String(found.count);
    return {
      ok: true,
      message:
        `Connected to ${connection.url} (${server.vendor})${failedNote(connection.failed)}. ` +
        `${shown} ${found.count === 1 ? "entry matches" : "entries match"} the Sync filter.`,
      server,
      count: Math.min(found.count, COUNT_CAP),
      more: found.more,
      samples: found.samples,
      hints,
      groups,
      ...hosts,
    };
  } finally {
    await connection.close();
  }
}

/** What the read tells beyond its count: referrals at an AD domain root, samples without an email. */
function readHints(
  found: { references: number; samples: Sample[] },
  server: { activeDirectory: boolean },
  config: MappingConfig,
): string[] {
  const hints: string[] = [];
  if (found.references > 0 && server.activeDirectory)
    hints.push(
      "The search returned referrals to other partitions (normal at the domain root). They are " +
        "ignored; to read the whole forest, use the Global Catalog port (3268, or 3269 with TLS) in " +
        "Server URL.",
    );
  const noEmail = found.samples.filter((s) => !s.email).length;
  if (noEmail > 0)
    hints.push(
      `${noEmail} of the samples have no value in the Email Field (${config.emailField}): such ` +
        "entries cannot be synchronised.",
    );
  return hints;
}

/** The root DSE, described (vendor, paged results); a server without it is "unknown vendor". */
async function readServer(connection: DirectoryConnection, hints: string[]) {
  const dse = await connection
    .search("", {
      scope: "base",
      filter: "(objectClass=*)",
      attributes: [
        "vendorName",
        "vendorVersion",
        "supportedControl",
        "objectClass",
        "forestFunctionality",
        "domainControllerFunctionality",
        "dsServiceName",
        "defaultNamingContext",
        "namingContexts",
      ],
    })
    .catch(() => ({ entries: [] as Entry[], references: [] }));
  const server = describeServer(dse.entries[0]);
  if (!server.pagedResults && dse.entries[0])
    hints.push(
      "The server does not announce the paged-results control: large directories may hit its size " +
        "limit during sync.",
    );
  return server;
}

/** The entries the Sync filter matches, counted up to just past COUNT_CAP, with five mapped samples. */
async function countEntries(connection: DirectoryConnection, config: MappingConfig) {
  const attributes = [
    config.accountNameField,
    config.emailField,
    config.userPrincipalNameField,
    config.fullNameField,
    config.statusField,
  ];
  const samples: Sample[] = [];
  let count = 0;
  let references = 0;
  for await (const page of connection.searchPages(
    config.baseDn,
    { scope: "sub", filter: normaliseFilter(config.syncFilter), attributes },
    500,
  )) {
    references += page.references.length;
    for (const entry of page.entries) {
      if (samples.length < 5) samples.push(mapSample(entry, config));
      count++;
    }
    if (count > COUNT_CAP) return { count, more: true, samples, references };
  }
  return { count, more: false, samples, references };
}

/** How many groups the group settings find, said in words; a refused base or filter says which. */
async function testGroups(
  connection: DirectoryConnection,
  config: MappingConfig,
  preset: DirectoryPreset,
): Promise<GroupCount & { message: string }> {
  const settings = groupSettings({ ...config, preset });
  const found = await countGroups(connection, settings, COUNT_CAP);
  if (!found.ok) return found;
  if (found.count === 0) {
    const missed = await missedGroupsHint(connection, settings.baseDn);
    return {
      ...found,
      message: missed ?? `No groups under ${settings.baseDn} match the Group filter.`,
    };
  }
  const shown = found.more ? `More than ${COUNT_CAP}` : String(found.count);
  return {
    ...found,
    message: `${shown} ${found.count === 1 ? "group matches" : "groups match"} the Group filter.`,
  };
}

function failedNote(failed: FailedHost[]): string {
  if (failed.length === 0) return "";
  return ` after ${failed.map((f) => f.url).join(", ")} failed`;
}

export const UNREACHABLE_MESSAGE =
  "The console could not reach or talk to this server. Check the Server URL and its port, the firewall, " +
  "and that the server speaks LDAP (or LDAPS) there.";

/**
 * What an anonymous caller (the /connect link) may learn from a test. Whether a connection was refused, timed
 * out, was reset, failed TLS or named no host would map the console's internal network (an open port answers
 * differently from a closed one), so every failure before an LDAP answer reads the same. The signed-in
 * administrator's test keeps the detailed message.
 */
export function forAnonymousCaller(result: TestResult): TestResult {
  // The hosts that failed before an answer are named, never why each failed.
  const hosts = result.failedHosts?.length
    ? { failedHosts: result.failedHosts.map((f) => ({ url: f.url, message: UNREACHABLE_MESSAGE })) }
    : {};
  if (result.ok || result.step !== "connect")
    return result.failedHosts?.length ? { ...result, ...hosts } : result;
  return {
    ok: false,
    kind: "unreachable",
    message: UNREACHABLE_MESSAGE,
    step: "connect",
    hints: [],
    ...hosts,
  };
}
