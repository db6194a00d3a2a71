import "server-only";
import type { Entry } from "ldapts";
import type pg from "pg";
import type { DirectoryConnection } from "@/lib/directory/client";
import { normalizeDn } from "@/lib/directory/dn";
import { missedGroupsHint } from "@/lib/directory/groups";
import {
  MEMBER_ATTRIBUTES,
  groupSettings,
  isDisabledValue,
  type DirectoryPreset,
  type MemberAttribute,
} from "@/lib/directory/presets";
import type { StatusMode } from "@/lib/connections/schema";
import { STABLE_ID_ATTRIBUTES, stableId } from "@/lib/sync/map";
import { diffMemberships, expandNesting, type MembershipRow, type ReadGroup } from "@/lib/sync/group-plan";
import { NOW_UTC, sql, syncPool } from "@/lib/sync/sql";
import { T } from "@/lib/sync/run";

// Groups are mapped read-only with their members (seed 000: "user accounts and groups"), on full syncs.
// Direct memberships come from each group's entry; nested groups are expanded here, for every product
// (Active Directory included: one read of the groups instead of one in-chain search per group), with a
// cycle guard. Only current accounts are members. Writes are set-based and diffed against what is stored.

export type GroupSyncSettings = {
  connectionId: string;
  orgId: string;
  preset: DirectoryPreset;
  baseDn: string;
  groupBaseDn?: string | null;
  groupFilter?: string | null;
  groupMemberAttributes?: string[] | null;
  statusDisabled: string;
  statusDisabledMode: StatusMode;
};

const WRITE_CHUNK = 5000;

type GroupRow = { directoryId: string; dn: string; name: string; email: string | null };

function rangeKey(entry: Entry): { key: string; end: string } | undefined {
  for (const key of Object.keys(entry)) {
    const m = /^member;range=\d+-(\d+|\*)$/i.exec(key);
    if (m) return { key, end: m[1] };
  }
  return undefined;
}

function asStrings(v: unknown): string[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map((x) => (Buffer.isBuffer(x) ? x.toString("utf8") : String(x)));
}

function valuesOf(entry: Entry, attribute: string): string[] {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
  return key ? asStrings(entry[key]) : [];
}

/**
 * Every value of `member`. Active Directory returns at most 1,500 values per read and names the attribute
 * `member;range=0-1499`; the rest is read range by range until a range ends in `*`. Values go to `each` as
 * they arrive, so a large group's DNs are never all held at once.
 */
async function eachMember(directory: DirectoryConnection, entry: Entry, each: (dn: string) => void) {
  for (const v of valuesOf(entry, "member")) each(v);
  let range = rangeKey(entry);
  if (!range) return;
  for (const v of asStrings(entry[range.key])) each(v);
  while (range && range.end !== "*") {
    const start = Number(range.end) + 1;
    const { entries } = await directory.search(entry.dn, {
      scope: "base",
      filter: "(objectClass=*)",
      attributes: [`member;range=${start}-*`],
    });
    const next = entries[0];
    range = next ? rangeKey(next) : undefined;
    if (range) for (const v of asStrings(next[range.key])) each(v);
  }
}

/**
 * The connection's current accounts by normalised DN and by lower-cased account name: not superseded (an
 * email change made a new account: the group holds that one), and not gone — an account that is not active
 * counts only while the directory itself says it is disabled (a gone entry's last status was enabled).
 */
export async function currentAccounts(settings: GroupSyncSettings) {
  const rows = await sql<{
    id: string;
    dn: string | null;
    accountName: string | null;
    status: string;
    directoryStatus: string | null;
  }>(
    `select id, dn, "accountName", status::text as status, "directoryStatus" from "User"
     where "connectionId" = $1::uuid and source = 'DIRECTORY' and "supersededById" is null`,
    [settings.connectionId],
  );
  const byDn = new Map<string, string>();
  const byName = new Map<string, string>();
  for (const r of rows) {
    const current =
      r.status === "ACTIVE" ||
      (r.directoryStatus !== null &&
        isDisabledValue([r.directoryStatus], settings.statusDisabled, settings.statusDisabledMode));
    if (!current) continue;
    if (r.dn) byDn.set(normalizeDn(r.dn), r.id);
    if (r.accountName) byName.set(r.accountName.toLowerCase(), r.id);
  }
  return { byDn, byName };
}

type Read = { rows: GroupRow[]; groups: ReadGroup[]; unread: Map<MemberAttribute, number> };

/**
 * Reads every group the settings find, resolving member values to account ids as they arrive (a DN string
 * is kept only when it names a nested group, until every group is read). Also counts groups holding values
 * in member attributes the settings do not read, to say so.
 */
async function readGroups(
  directory: DirectoryConnection,
  settings: ReturnType<typeof groupSettings>,
  accounts: Awaited<ReturnType<typeof currentAccounts>>,
): Promise<Read> {
  const rows: GroupRow[] = [];
  const groups: ReadGroup[] = [];
  const pending: string[][] = [];
  const unread = new Map<MemberAttribute, number>();
  const reads = new Set<MemberAttribute>(settings.memberAttributes);
  // The groups' DNs first (names only, cheap): a member DN that is neither an account nor one of these (a
  // computer, a contact, an entry outside the Sync filter) is dropped as it is read, never held.
  const groupDns = new Set<string>();
  for await (const page of directory.searchPages(
    settings.baseDn,
    { scope: "sub", filter: settings.filter, attributes: ["1.1"] },
    500,
  ))
    for (const entry of page.entries) groupDns.add(normalizeDn(entry.dn));
  for await (const page of directory.searchPages(
    settings.baseDn,
    {
      scope: "sub",
      filter: settings.filter,
      attributes: ["cn", "mail", ...MEMBER_ATTRIBUTES, ...STABLE_ID_ATTRIBUTES],
      explicitBufferAttributes: ["objectGUID"],
    },
    500,
  )) {
    for (const entry of page.entries) {
      const users = new Set<string>();
      const maybeGroups: string[] = [];
      const byDn = (value: string) => {
        const dn = normalizeDn(value);
        const user = accounts.byDn.get(dn);
        if (user) users.add(user);
        else if (groupDns.has(dn)) maybeGroups.push(dn);
      };
      if (reads.has("member")) await eachMember(directory, entry, byDn);
      if (reads.has("uniqueMember"))
        // groupOfUniqueNames may append a `#'0101'B` unique identifier to a DN.
        for (const v of valuesOf(entry, "uniqueMember")) byDn(v.replace(/#'[01]*'B$/, ""));
      if (reads.has("memberUid"))
        for (const v of valuesOf(entry, "memberUid")) {
          const user = accounts.byName.get(v.trim().toLowerCase());
          if (user) users.add(user);
        }
      for (const a of MEMBER_ATTRIBUTES)
        if (!reads.has(a) && (valuesOf(entry, a).length > 0 || (a === "member" && rangeKey(entry))))
          unread.set(a, (unread.get(a) ?? 0) + 1);
      rows.push({
        directoryId: stableId(entry) ?? normalizeDn(entry.dn),
        dn: entry.dn,
        name: valuesOf(entry, "cn")[0] ?? entry.dn,
        email: valuesOf(entry, "mail")[0]?.toLowerCase() ?? null,
      });
      groups.push({ users, groups: [] });
      pending.push(maybeGroups);
    }
  }
  // Nested groups may come later in the listing than the groups holding them: resolved once all are read.
  const index = new Map(rows.map((r, i) => [normalizeDn(r.dn), i]));
  pending.forEach((dns, i) => {
    for (const dn of dns) {
      const g = index.get(dn);
      if (g !== undefined && g !== i) groups[i].groups.push(g);
    }
  });
  return { rows, groups, unread };
}

/**
 * Reads the connection's groups and stores them with their direct and inherited members. A failed read
 * leaves the stored groups as they were and says so in the run's warnings.
 */
export async function syncGroups(
  directory: DirectoryConnection,
  ctx: GroupSyncSettings,
  warn: (m: string) => void,
): Promise<void> {
  const settings = groupSettings(ctx);
  const t0 = performance.now();
  let read: Read;
  try {
    read = await readGroups(directory, settings, await currentAccounts(ctx));
  } catch (error) {
    warn(`Groups were not read, the stored groups are kept as they were: ${(error as Error).message}`);
    return;
  }
  for (const [attribute, count] of read.unread)
    warn(
      `${count} group${count === 1 ? " has" : "s have"} members in ${attribute}, which the Member ` +
        `attribute setting does not read: add ${attribute} to read them.`,
    );
  if (read.rows.length === 0) {
    const hint = await missedGroupsHint(directory, settings.baseDn);
    if (hint) warn(hint);
  }
  T("groups: read", t0);
  const t1 = performance.now();
  await writeGroups(ctx.connectionId, ctx.orgId, read);
  T("groups: write", t1);
}

/** One transaction: groups upserted (unchanged ones untouched), gone ones deleted, memberships diffed. */
async function writeGroups(connectionId: string, orgId: string, read: Read) {
  const client = await syncPool().connect();
  try {
    await client.query("begin");
    const ids = await upsertGroups(client, connectionId, orgId, read.rows);
    const wanted = new Map<string, Map<string, string | null>>();
    expandNesting(read.groups).forEach((effective, i) => {
      const members = new Map<string, string | null>();
      for (const [userId, via] of effective) members.set(userId, via === null ? null : ids[via]);
      wanted.set(ids[i], members);
    });
    const { rows: stored } = await client.query<MembershipRow>(
      `select m."groupId", m."userId", m."viaGroupId" from "DirectoryGroupMember" m
       join "DirectoryGroup" g on g.id = m."groupId" where g."connectionId" = $1::uuid`,
      [connectionId],
    );
    const { upserts, deletes } = diffMemberships(stored, wanted);
    for (let i = 0; i < deletes.length; i += WRITE_CHUNK) {
      const chunk = deletes.slice(i, i + WRITE_CHUNK);
      await client.query(
        `delete from "DirectoryGroupMember" m using unnest($1::uuid[], $2::uuid[]) d(g, u)
         where m."groupId" = d.g and m."userId" = d.u`,
        [chunk.map((d) => d.groupId), chunk.map((d) => d.userId)],
      );
    }
    for (let i = 0; i < upserts.length; i += WRITE_CHUNK) {
      const chunk = upserts.slice(i, i + WRITE_CHUNK);
      await client.query(
        `insert into "DirectoryGroupMember"("groupId", "userId", direct, "viaGroupId")
         select g, u, v is null, v from unnest($1::uuid[], $2::uuid[], $3::uuid[]) n(g, u, v)
         on conflict ("groupId", "userId") do update
           set direct = excluded.direct, "viaGroupId" = excluded."viaGroupId"`,
        [chunk.map((r) => r.groupId), chunk.map((r) => r.userId), chunk.map((r) => r.viaGroupId)],
      );
    }
    await client.query("commit");
  } catch (error) {
    await client.query("rollback").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Upserts the read groups a page at a time (rows whose name, DN and email are unchanged are not rewritten),
 * deletes the connection's groups the read no longer has, and returns the id of each read group, in order.
 */
async function upsertGroups(
  client: pg.PoolClient,
  connectionId: string,
  orgId: string,
  rows: GroupRow[],
): Promise<string[]> {
  // A directory may list one group twice (a stable id shared by mistake): the last one wins, as it would.
  for (let i = 0; i < rows.length; i += WRITE_CHUNK) {
    const chunk = rows.slice(i, i + WRITE_CHUNK);
    const unique = [...new Map(chunk.map((r) => [r.directoryId, r])).values()];
    await client.query(
      `insert into "DirectoryGroup"(id, "organizationId", "connectionId", "directoryId", dn, name, email,
         "lastSyncedAt")
       select gen_random_uuid(), $1::uuid, $2::uuid, d, dn, n, e, ${NOW_UTC}
       from unnest($3::text[], $4::text[], $5::text[], $6::text[]) r(d, dn, n, e)
       on conflict ("connectionId", "directoryId") do update
         set dn = excluded.dn, name = excluded.name, email = excluded.email, "lastSyncedAt" = excluded."lastSyncedAt"
         where ("DirectoryGroup".dn, "DirectoryGroup".name, "DirectoryGroup".email)
           is distinct from (excluded.dn, excluded.name, excluded.email)`,
      [
        orgId,
        connectionId,
        unique.map((r) => r.directoryId),
        unique.map((r) => r.dn),
        unique.map((r) => r.name),
        unique.map((r) => r.email),
      ],
    );
  }
  const { rows: stored } = await client.query<{ id: string; directoryId: string }>(
    `select id, "directoryId" from "DirectoryGroup" where "connectionId" = $1::uuid`,
    [connectionId],
  );
  const byDirectoryId = new Map(stored.map((r) => [r.directoryId, r.id]));
  const read = new Set(rows.map((r) => r.directoryId));
  const gone = stored.filter((r) => !read.has(r.directoryId));
  if (gone.length)
    await client.query(`delete from "DirectoryGroup" where id = any($1::uuid[])`, [gone.map((r) => r.id)]);
  return rows.map((r) => byDirectoryId.get(r.directoryId)!);
}
