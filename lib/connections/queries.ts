import "server-only";
import { db } from "@/lib/db";

// Every field a page may show. Never the manager password, sealed or not.
export const connectionPublicSelect = {
  id: true,
  name: true,
  preset: true,
  serverUrl: true,
  serverTimeout: true,
  managerDn: true,
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
  groupBaseDn: true,
  groupFilter: true,
  groupMemberAttributes: true,
  startTls: true,
  caCertificate: true,
  enabled: true,
  awaitingReview: true,
  position: true,
  syncIntervalMinutes: true,
  fullSyncIntervalMinutes: true,
  disableThresholdPercent: true,
  disableThresholdCount: true,
  debugLogging: true,
  lastSyncAt: true,
  nextSyncAt: true,
  createdAt: true,
} as const;

export async function listConnections(organizationId: string) {
  return db.ldapConnection.findMany({
    where: { organizationId },
    orderBy: [{ position: "asc" }, { createdAt: "asc" }],
    select: { ...connectionPublicSelect, _count: { select: { users: true } } },
  });
}

export type ConnectionRow = Awaited<ReturnType<typeof listConnections>>[number];
