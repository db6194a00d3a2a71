import "server-only";
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { UserListQuery } from "@/lib/users/schema";
import { emailDomain } from "@/lib/identity/email";

export const PAGE_SIZE = 25;

function userSearch(q: string | undefined): Prisma.UserWhereInput {
  if (!q) return {};
  return {
    OR: [
      { name: { contains: q, mode: "insensitive" } },
      { email: { contains: q.toLowerCase() } },
      { accountName: { contains: q, mode: "insensitive" } },
    ],
  };
}

export async function listOrgUsers(organizationId: string, query: UserListQuery) {
  const where: Prisma.MembershipWhereInput = {
    organizationId,
    user: {
      ...userSearch(query.q),
      ...(query.source ? { source: query.source } : {}),
      ...(query.status ? { status: query.status } : {}),
    },
  };
  const [total, rows] = await Promise.all([
    db.membership.count({ where }),
    db.membership.findMany({
      where,
      orderBy: [{ user: { email: "asc" } }],
      skip: (query.page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      select: {
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
      },
    }),
  ]);
  const owned = await ownedAccounts(
    organizationId,
    rows.map((r) => r.user),
  );
  return {
    total,
    pageSize: PAGE_SIZE,
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

export async function listAllUsers(query: { q?: string; page: number }) {
  const where = userSearch(query.q);
  const [total, rows] = await Promise.all([
    db.user.count({ where }),
    db.user.findMany({
      where,
      orderBy: { email: "asc" },
      skip: (query.page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
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
    }),
  ]);
  return { total, pageSize: PAGE_SIZE, rows };
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
