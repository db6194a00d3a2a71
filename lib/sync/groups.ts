import "server-only";
import type { Entry } from "ldapts";
import { db } from "@/lib/db";
import type { DirectoryConnection } from "@/lib/directory/client";
import { stableId } from "@/lib/sync/map";
import { sql } from "@/lib/sync/sql";

// Groups are mapped read-only with their members (seed 000: "user accounts and groups").
const GROUP_FILTERS: Record<string, string> = {
  ACTIVE_DIRECTORY: "(objectClass=group)",
  OPENLDAP: "(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames))",
  DS389: "(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames))",
  OPEN_DIRECTORY: "(|(objectClass=apple-group)(objectClass=groupOfNames))",
};

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

/**
 * All members of a group. Active Directory returns at most 1,500 values of `member` per read and names the
 * attribute `member;range=0-1499`; the rest is read range by range until a range ends in `*`.
 */
export async function readMembers(directory: DirectoryConnection, entry: Entry): Promise<string[]> {
  const members = [...asStrings(entry.member), ...asStrings(entry.uniqueMember)];
  let range = rangeKey(entry);
  if (!range) return members;
  members.push(...asStrings(entry[range.key]));
  while (range && range.end !== "*") {
    const start = Number(range.end) + 1;
    const { entries } = await directory.search(entry.dn, {
      scope: "base",
      filter: "(objectClass=*)",
      attributes: [`member;range=${start}-*`],
    });
    const next = entries[0];
    range = next ? rangeKey(next) : undefined;
    if (range) members.push(...asStrings(next[range.key]));
  }
  return members;
}

export async function syncGroups(
  directory: DirectoryConnection,
  ctx: { connectionId: string; orgId: string; preset: string; baseDn: string },
  warn: (m: string) => void,
) {
  const groups: { directoryId: string; dn: string; name: string; email: string | null; members: string[] }[] =
    [];
  try {
    for await (const page of directory.searchPages(
      ctx.baseDn,
      {
        scope: "sub",
        filter: GROUP_FILTERS[ctx.preset] ?? GROUP_FILTERS.OPENLDAP,
        attributes: ["cn", "mail", "member", "uniqueMember", "objectGUID", "entryUUID"],
        explicitBufferAttributes: ["objectGUID"],
      },
      500,
    )) {
      for (const entry of page.entries) {
        groups.push({
          directoryId: stableId(entry) ?? entry.dn.toLowerCase(),
          dn: entry.dn,
          name: asStrings(entry.cn)[0] ?? entry.dn,
          email: asStrings(entry.mail)[0]?.toLowerCase() ?? null,
          members: await readMembers(directory, entry),
        });
      }
    }
  } catch (error) {
    // Groups are secondary: a failed group read leaves the stored groups as they were.
    warn(`Groups were not read: ${(error as Error).message}`);
    return;
  }
  if (groups.length === 0) {
    // The usual case for a directory without groups; through the sync's pool, as the run's other records.
    await sql(`delete from "DirectoryGroup" where "connectionId" = $1::uuid`, [ctx.connectionId]);
    return;
  }
  const users = await db.user.findMany({
    where: { connectionId: ctx.connectionId, dn: { not: null } },
    select: { id: true, dn: true },
  });
  const byDn = new Map(users.map((u) => [u.dn!.toLowerCase().replace(/\s*,\s*/g, ","), u.id]));
  await db.$transaction(
    async (tx) => {
      const kept: string[] = [];
      for (const g of groups) {
        const row = await tx.directoryGroup.upsert({
          where: { connectionId_directoryId: { connectionId: ctx.connectionId, directoryId: g.directoryId } },
          create: {
            organizationId: ctx.orgId,
            connectionId: ctx.connectionId,
            directoryId: g.directoryId,
            dn: g.dn,
            name: g.name,
            email: g.email,
            lastSyncedAt: new Date(),
          },
          update: { dn: g.dn, name: g.name, email: g.email, lastSyncedAt: new Date() },
          select: { id: true },
        });
        kept.push(row.id);
        await tx.directoryGroupMember.deleteMany({ where: { groupId: row.id } });
        const memberIds = [
          ...new Set(
            g.members
              .map((m) => byDn.get(m.toLowerCase().replace(/\s*,\s*/g, ",")))
              .filter((v): v is string => Boolean(v)),
          ),
        ];
        if (memberIds.length)
          await tx.directoryGroupMember.createMany({
            data: memberIds.map((userId) => ({ groupId: row.id, userId })),
          });
      }
      await tx.directoryGroup.deleteMany({ where: { connectionId: ctx.connectionId, id: { notIn: kept } } });
    },
    { timeout: 120_000 },
  );
}
