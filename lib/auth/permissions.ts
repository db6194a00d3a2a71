// The one permission table. Pure: imported by server code and by unit tests.
import type { Role } from "@/lib/generated/prisma/enums";

export type Actor = {
  id: string;
  isPlatformAdmin: boolean;
  // Roles per organisation id.
  roles: Record<string, Role[]>;
};

export type OrgPermission =
  | "org:view-admin" // the organisation's administration pages
  | "users:manage" // create local accounts, enable/disable, set local roles
  | "connections:manage"
  | "files:own" // upload and share
  | "files:upload"
  | "files:open-shared";

const ROLE_PERMISSIONS: Record<Role, readonly OrgPermission[]> = {
  ORG_ADMIN: [
    "org:view-admin",
    "users:manage",
    "connections:manage",
    "files:own",
    "files:upload",
    "files:open-shared",
  ],
  ORIGINATOR: ["files:own", "files:upload", "files:open-shared"],
  COLLABORATOR: ["files:upload", "files:open-shared"],
  ADHOC: ["files:open-shared"],
};

// Platform administrators administer every organisation (seed 004: the SafeShare administrator).
const PLATFORM_ADMIN_IN_ORG: readonly OrgPermission[] = [
  "org:view-admin",
  "users:manage",
  "connections:manage",
];

export function canInOrg(actor: Actor, organizationId: string, permission: OrgPermission): boolean {
  if (actor.isPlatformAdmin && PLATFORM_ADMIN_IN_ORG.includes(permission)) return true;
  const roles = actor.roles[organizationId] ?? [];
  return roles.some((role) => ROLE_PERMISSIONS[role].includes(permission));
}

export type PlatformPermission = "platform:admin";

export function canOnPlatform(actor: Actor, _permission: PlatformPermission): boolean {
  return actor.isPlatformAdmin;
}

export const ROLE_LABELS: Record<Role, string> = {
  ORIGINATOR: "Originator",
  COLLABORATOR: "Collaborator",
  ADHOC: "Ad hoc",
  ORG_ADMIN: "Organisation administrator",
};
