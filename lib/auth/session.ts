import "server-only";
import { cache } from "react";
import { getServerSession } from "next-auth";
import { forbidden, notFound, redirect } from "next/navigation";
import { db } from "@/lib/db";
import { authOptions } from "@/lib/auth/options";
import { builtinAdminEnabled } from "@/lib/auth/builtin-admin";
import { type Actor, type OrgPermission, canInOrg } from "@/lib/auth/permissions";
import { ForbiddenError, NotFoundError } from "@/lib/errors";
import type { Role, UserSource } from "@/lib/generated/prisma/enums";

export type CurrentUser = Actor & {
  email: string;
  name: string;
  source: UserSource;
  isBuiltinAdmin: boolean;
  memberships: { organizationId: string; slug: string; name: string; roles: Role[] }[];
};

/**
 * The signed-in user, read fresh from the database; null without a valid session or for a disabled account.
 */
export const getCurrentUser = cache(async (): Promise<CurrentUser | null> => {
  const session = await getServerSession(authOptions);
  if (!session?.uid) return null;
  const user = await db.user.findUnique({
    where: { id: session.uid },
    select: {
      id: true,
      email: true,
      name: true,
      source: true,
      status: true,
      isPlatformAdmin: true,
      isBuiltinAdmin: true,
      passwordChangedAt: true,
      sessionVersion: true,
      // A membership its organisation disabled gives nothing there (the account itself may still be active).
      memberships: {
        where: { status: "ACTIVE" },
        select: { organizationId: true, roles: true, organization: { select: { slug: true, name: true } } },
        orderBy: { createdAt: "asc" },
      },
    },
  });
  if (!user || user.status !== "ACTIVE") return null;
  // Sign-out, a password change and a role change raise the stored version: sessions issued before end.
  if (session.sessionVersion !== user.sessionVersion) return null;
  if (user.isBuiltinAdmin && !builtinAdminEnabled()) return null;
  // A password change ends the sessions opened before it.
  if (
    user.passwordChangedAt &&
    session.issuedAt &&
    session.issuedAt * 1000 < user.passwordChangedAt.getTime() - 1000
  )
    return null;
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    source: user.source,
    isPlatformAdmin: user.isPlatformAdmin,
    isBuiltinAdmin: user.isBuiltinAdmin,
    roles: Object.fromEntries(user.memberships.map((m) => [m.organizationId, m.roles])),
    memberships: user.memberships.map((m) => ({
      organizationId: m.organizationId,
      slug: m.organization.slug,
      name: m.organization.name,
      roles: m.roles,
    })),
  };
});

// --- Pages: redirect to /login without a session, 403 page when the role is too low. ---

export async function requireUser(): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (!user) redirect("/login");
  return user;
}

export async function requirePlatformAdminPage(): Promise<CurrentUser> {
  const user = await requireUser();
  if (!user.isPlatformAdmin) forbidden();
  return user;
}

export type OrgContext = { user: CurrentUser; org: { id: string; slug: string; name: string } };

async function findOrg(slug: string) {
  return db.organization.findUnique({ where: { slug }, select: { id: true, slug: true, name: true } });
}

export async function requireOrgPage(
  slug: string,
  permission: OrgPermission = "org:view-admin",
): Promise<OrgContext> {
  const user = await requireUser();
  const org = await findOrg(slug);
  // An organisation the user has no business in is indistinguishable from one that does not exist.
  if (!org) notFound();
  if (!canInOrg(user, org.id, permission)) forbidden();
  return { user, org };
}

// --- Actions and route handlers: throw, and the action wrapper turns it into a result. ---

export async function authorizePlatformAdmin(): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (!user) throw new ForbiddenError("Your session has ended. Sign in again.");
  if (!user.isPlatformAdmin) throw new ForbiddenError();
  return user;
}

export async function authorizeOrg(
  slug: string,
  permission: OrgPermission = "org:view-admin",
): Promise<OrgContext> {
  const user = await getCurrentUser();
  if (!user) throw new ForbiddenError("Your session has ended. Sign in again.");
  const org = await findOrg(slug);
  if (!org) throw new NotFoundError("Organisation not found.");
  if (!canInOrg(user, org.id, permission)) throw new ForbiddenError();
  return { user, org };
}

export async function authorizeUser(): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (!user) throw new ForbiddenError("Your session has ended. Sign in again.");
  return user;
}
