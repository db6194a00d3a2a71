import "server-only";
import { db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import type { UserListQuery } from "@/lib/users/schema";
import { emailDomain } from "@/lib/identity/email";

export const PAGE_SIZE = 25;

/**
 * What the search matches: name, email and account name as one text. The trigram index of migration 0015 is
 * built on exactly this expression (pg_trgm folds case, so it serves ILIKE); change both or neither.
 */
const SEARCH_TEXT = Prisma.sql`(u.name || ' ' || u.email || ' ' || coalesce(u."accountName", ''))`;

/** Counted exactly up to here; above it the planner's estimate is shown, as "about". */
export const EXACT_COUNT_LIMIT = 10_000;

/** `%`, `_` and `\` typed in the search box are searched for, not wildcards. */
function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function memberConditions(organizationId: string, query: UserListQuery): Prisma.Sql {
  const conditions = [Prisma.sql`m."organizationId" = ${organizationId}::uuid`];
  if (query.q) conditions.push(Prisma.sql`${SEARCH_TEXT} ilike ${likePattern(query.q)}`);
  if (query.source) conditions.push(Prisma.sql`u.source = ${query.source}::"UserSource"`);
  if (query.status) conditions.push(Prisma.sql`u.status = ${query.status}::"UserStatus"`);
  return Prisma.join(conditions, " and ");
}

export type ListTotal = { count: number; exact: boolean };

/**
 * How many rows a filter matches: exact up to EXACT_COUNT_LIMIT (the count stops there), else the planner's
 * estimate of the same query, so that a count never reads 100,000 rows to draw a page.
 */
async function countUpTo(from: Prisma.Sql): Promise<ListTotal> {
  const [{ n }] = await db.$queryRaw<{ n: number }[]>(
    Prisma.sql`select count(*)::int as n from (select 1 ${from} limit ${EXACT_COUNT_LIMIT + 1}) s`,
  );
  if (n <= EXACT_COUNT_LIMIT) return { count: n, exact: true };
  const [plan] = await db.$queryRaw<{ "QUERY PLAN": [{ Plan: { "Plan Rows": number } }] }[]>(
    Prisma.sql`explain (format json) select 1 ${from}`,
  );
  return { count: Math.max(n, Math.round(plan["QUERY PLAN"][0].Plan["Plan Rows"])), exact: false };
}

/**
 * The ids of one page, in email order. A cursor (the email after or before which the page starts) pages by
 * key, so that page 3,000 costs what page 1 does; a bare page number pages by offset. One row more than a page
 * says whether there is a next one.
 */
async function pageOfIds(from: Prisma.Sql, query: UserListQuery): Promise<{ ids: string[]; more: boolean }> {
  const take = PAGE_SIZE + 1;
  let rows: { id: string }[];
  if (query.after)
    rows = await db.$queryRaw(
      Prisma.sql`select u.id ${from} and u.email > ${query.after} order by u.email limit ${take}`,
    );
  else if (query.before)
    rows = (
      await db.$queryRaw<{ id: string }[]>(
        Prisma.sql`select u.id ${from} and u.email < ${query.before} order by u.email desc limit ${take}`,
      )
    ).reverse();
  else
    rows = await db.$queryRaw(
      Prisma.sql`select u.id ${from} order by u.email limit ${take} offset ${(query.page - 1) * PAGE_SIZE}`,
    );
  const more = rows.length > PAGE_SIZE;
  // Paging backwards, the extra row is the first one: it says there is a previous page, which page > 1 knows.
  const page = query.before ? rows.slice(-PAGE_SIZE) : rows.slice(0, PAGE_SIZE);
  return { ids: page.map((r) => r.id), more: query.before ? true : more };
}

const memberSelect = {
  roles: true,
  status: true,
  plan: { select: { name: true } },
  user: {
    select: {
      id: true,
      email: true,
      name: true,
      accountName: true,
      source: true,
      status: true,
      isPlatformAdmin: true,
      isBuiltinAdmin: true,
      lastLoginAt: true,
      connection: { select: { organizationId: true } },
      _count: { select: { files: true, memberships: true } },
    },
  },
} satisfies Prisma.MembershipSelect;

export async function listOrgUsers(organizationId: string, query: UserListQuery) {
  const from = Prisma.sql`from "Membership" m join "User" u on u.id = m."userId"
    where ${memberConditions(organizationId, query)}`;
  const [total, page] = await Promise.all([countUpTo(from), pageOfIds(from, query)]);
  const found = await db.membership.findMany({
    where: { organizationId, userId: { in: page.ids } },
    select: memberSelect,
  });
  const order = new Map(page.ids.map((id, i) => [id, i]));
  const rows = found.sort((a, b) => order.get(a.user.id)! - order.get(b.user.id)!);
  const owned = await ownedAccounts(
    organizationId,
    rows.map((r) => r.user),
  );
  return {
    total,
    pageSize: PAGE_SIZE,
    more: page.more,
    rows: rows.map((r) => {
      const ownsAccount = owned.has(r.user.id);
      const outside = !ownsAccount && r.user.connection?.organizationId !== organizationId;
      return { ...r, ownsAccount, outside, user: outside ? outsideView(r.user) : r.user };
    }),
  };
}

/**
 * A person another organisation owns, seen from here (someone this organisation shared with): only what this
 * organisation typed itself, the address. Their name, account name, source, status and platform role are the
 * owning organisation's business, and would tell whether the address had an account before the share.
 */
export function outsideView<
  U extends {
    email: string;
    name: string;
    accountName: string | null;
    isPlatformAdmin: boolean;
    lastLoginAt: Date | null;
  },
>(u: U): U {
  return { ...u, name: u.email, accountName: null, isPlatformAdmin: false, lastLoginAt: null };
}

export type OrgUserRow = Awaited<ReturnType<typeof listOrgUsers>>["rows"][number];

/**
 * Which of these accounts the organisation owns itself (lib/users/service.ts `ownsAccount`, for a page of
 * rows in one query): local or Ad hoc accounts of its verified domains, or of no verified domain and no other
 * organisation.
 */
async function ownedAccounts(
  organizationId: string,
  users: {
    id: string;
    email: string;
    source: string;
    isPlatformAdmin: boolean;
    isBuiltinAdmin: boolean;
    _count: { memberships: number };
  }[],
): Promise<Set<string>> {
  const candidates = users.filter((u) => u.source !== "DIRECTORY" && !u.isPlatformAdmin && !u.isBuiltinAdmin);
  const domains = [...new Set(candidates.map((u) => emailDomain(u.email)))];
  const verified = new Map(
    (
      await db.domain.findMany({
        where: { name: { in: domains }, verifiedAt: { not: null } },
        select: { name: true, organizationId: true },
      })
    ).map((d) => [d.name, d.organizationId]),
  );
  return new Set(
    candidates
      .filter((u) => {
        const owner = verified.get(emailDomain(u.email));
        return owner ? owner === organizationId : u.source === "LOCAL" && u._count.memberships === 1;
      })
      .map((u) => u.id),
  );
}

/** Every account on the platform (platform administrators' page), searched as the organisation pages are. */
export async function listAllUsers(query: UserListQuery) {
  const search = query.q ? Prisma.sql`${SEARCH_TEXT} ilike ${likePattern(query.q)}` : Prisma.sql`true`;
  const from = Prisma.sql`from "User" u where ${search}`;
  const [total, page] = await Promise.all([countUpTo(from), pageOfIds(from, query)]);
  const found = await db.user.findMany({
    where: { id: { in: page.ids } },
    select: {
      id: true,
      email: true,
      name: true,
      source: true,
      status: true,
      isPlatformAdmin: true,
      isBuiltinAdmin: true,
      memberships: {
        select: { roles: true, organization: { select: { id: true, slug: true, name: true } } },
      },
    },
  });
  const order = new Map(page.ids.map((id, i) => [id, i]));
  const rows = found.sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  return { total, pageSize: PAGE_SIZE, more: page.more, rows };
}

export async function getProfile(userId: string) {
  return db.user.findUnique({
    where: { id: userId },
    select: {
      email: true,
      name: true,
      accountName: true,
      source: true,
      lastLoginAt: true,
      connection: { select: { name: true } },
      memberships: {
        select: {
          roles: true,
          plan: { select: { name: true, storageQuotaBytes: true } },
          organization: { select: { name: true, slug: true } },
        },
      },
      _count: { select: { files: true } },
    },
  });
}
