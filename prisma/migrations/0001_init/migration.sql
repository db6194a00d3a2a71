-- The whole data model of DESIGN.md (prisma/schema.prisma), written as Prisma would name it.

CREATE TYPE "UserSource" AS ENUM ('LOCAL', 'DIRECTORY', 'ADHOC');
CREATE TYPE "UserStatus" AS ENUM ('ACTIVE', 'DISABLED', 'PENDING_TRANSFER');
CREATE TYPE "Role" AS ENUM ('ORIGINATOR', 'COLLABORATOR', 'ADHOC', 'ORG_ADMIN');
CREATE TYPE "DirectoryType" AS ENUM ('ACTIVE_DIRECTORY', 'OPENLDAP', 'OPEN_DIRECTORY', 'DS389');
CREATE TYPE "StatusMatchMode" AS ENUM ('EQUALS', 'BIT_SET');
CREATE TYPE "SyncTrigger" AS ENUM ('CRON', 'MANUAL', 'CLI', 'CONFIRMATION');
CREATE TYPE "SyncKind" AS ENUM ('FULL', 'INCREMENTAL');
CREATE TYPE "SyncStatus" AS ENUM ('RUNNING', 'SUCCEEDED', 'FAILED', 'HELD');
CREATE TYPE "LogLevel" AS ENUM ('DEBUG', 'INFO', 'WARNING', 'ERROR');
CREATE TYPE "NotificationKind" AS ENUM ('OWNERSHIP_TRANSFER', 'EMAIL_CHANGED');

CREATE TABLE "Plan" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "storageQuotaBytes" BIGINT NOT NULL,
    "isDefault" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Plan_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "Plan_name_key" ON "Plan"("name");
-- At most one default plan; the service keeps it exactly one.
CREATE UNIQUE INDEX "Plan_one_default" ON "Plan"("isDefault") WHERE "isDefault";

CREATE TABLE "Organization" (
    "id" UUID NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "defaultPlanId" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Organization_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "Organization_slug_format" CHECK ("slug" ~ '^[a-z0-9][a-z0-9-]{0,62}$')
);
CREATE UNIQUE INDEX "Organization_slug_key" ON "Organization"("slug");

CREATE TABLE "LdapConnection" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "preset" "DirectoryType" NOT NULL DEFAULT 'OPENLDAP',
    "serverUrl" TEXT NOT NULL,
    "serverTimeout" INTEGER NOT NULL,
    "managerDn" TEXT NOT NULL,
    "managerPasswordEnc" TEXT NOT NULL,
    "baseDn" TEXT NOT NULL,
    "syncFilter" TEXT NOT NULL,
    "authFilter" TEXT NOT NULL,
    "domain" TEXT NOT NULL,
    "accountNameField" TEXT NOT NULL,
    "emailField" TEXT NOT NULL,
    "userPrincipalNameField" TEXT NOT NULL,
    "fullNameField" TEXT NOT NULL,
    "statusField" TEXT NOT NULL,
    "statusDisabled" TEXT NOT NULL,
    "statusDisabledMode" "StatusMatchMode" NOT NULL DEFAULT 'EQUALS',
    "startTls" BOOLEAN NOT NULL DEFAULT false,
    "caCertificate" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "awaitingReview" BOOLEAN NOT NULL DEFAULT false,
    "position" INTEGER NOT NULL DEFAULT 0,
    "syncIntervalMinutes" INTEGER NOT NULL DEFAULT 5,
    "fullSyncIntervalMinutes" INTEGER NOT NULL DEFAULT 60,
    "disableThresholdPercent" INTEGER NOT NULL DEFAULT 10,
    "disableThresholdCount" INTEGER NOT NULL DEFAULT 500,
    "debugLogging" BOOLEAN NOT NULL DEFAULT false,
    "lastSyncAt" TIMESTAMP(3),
    "lastFullSyncAt" TIMESTAMP(3),
    "nextSyncAt" TIMESTAMP(3),
    "highWaterMark" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "LdapConnection_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "LdapConnection_organizationId_position_idx" ON "LdapConnection"("organizationId", "position");

CREATE TABLE "User" (
    "id" UUID NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "accountName" TEXT,
    "passwordHash" TEXT,
    "source" "UserSource" NOT NULL DEFAULT 'LOCAL',
    "status" "UserStatus" NOT NULL DEFAULT 'ACTIVE',
    "isPlatformAdmin" BOOLEAN NOT NULL DEFAULT false,
    "isBuiltinAdmin" BOOLEAN NOT NULL DEFAULT false,
    "connectionId" UUID,
    "directoryId" TEXT,
    "dn" TEXT,
    "userPrincipalName" TEXT,
    "directoryHash" TEXT,
    "directoryStatus" TEXT,
    "lastSyncedAt" TIMESTAMP(3),
    "supersededById" UUID,
    "passwordChangedAt" TIMESTAMP(3),
    "lastLoginAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "User_pkey" PRIMARY KEY ("id"),
    -- Email is compared case-insensitively: it is stored lower-case, so the unique index does the comparing.
    CONSTRAINT "User_email_lowercase" CHECK ("email" = lower("email"))
);
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
CREATE INDEX "User_connectionId_directoryId_idx" ON "User"("connectionId", "directoryId");
CREATE INDEX "User_name_idx" ON "User"("name");
CREATE INDEX "User_accountName_idx" ON "User"("accountName");
-- Only one built-in administrator.
CREATE UNIQUE INDEX "User_one_builtin" ON "User"("isBuiltinAdmin") WHERE "isBuiltinAdmin";
-- Server-side search on the users page stays fast at 100,000 users.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX "User_search_trgm" ON "User" USING gin ((lower("name") || ' ' || "email" || ' ' || lower(coalesce("accountName", ''))) gin_trgm_ops);

CREATE TABLE "Membership" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "roles" "Role"[],
    "planId" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Membership_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "Membership_userId_organizationId_key" ON "Membership"("userId", "organizationId");
CREATE INDEX "Membership_organizationId_createdAt_idx" ON "Membership"("organizationId", "createdAt");

CREATE TABLE "Domain" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "mappingEnabled" BOOLEAN NOT NULL DEFAULT false,
    "directoryType" "DirectoryType",
    "hostname" TEXT,
    "username" TEXT,
    "useLdaps" BOOLEAN NOT NULL DEFAULT false,
    "kerberosRealm" TEXT,
    "pamServiceName" TEXT,
    "ntDomain" TEXT,
    "bindIpAddress" TEXT,
    "connectionId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Domain_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "Domain_connectionId_key" ON "Domain"("connectionId");
CREATE UNIQUE INDEX "Domain_organizationId_name_key" ON "Domain"("organizationId", "name");

CREATE TABLE "DirectoryGroup" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "connectionId" UUID NOT NULL,
    "directoryId" TEXT NOT NULL,
    "dn" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT,
    "lastSyncedAt" TIMESTAMP(3),
    CONSTRAINT "DirectoryGroup_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "DirectoryGroup_connectionId_directoryId_key" ON "DirectoryGroup"("connectionId", "directoryId");

CREATE TABLE "DirectoryGroupMember" (
    "groupId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    CONSTRAINT "DirectoryGroupMember_pkey" PRIMARY KEY ("groupId", "userId")
);
CREATE INDEX "DirectoryGroupMember_userId_idx" ON "DirectoryGroupMember"("userId");

CREATE TABLE "File" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "ownerId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "sizeBytes" BIGINT NOT NULL,
    "mimeType" TEXT NOT NULL,
    "storageKey" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "File_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "File_storageKey_key" ON "File"("storageKey");
CREATE INDEX "File_ownerId_idx" ON "File"("ownerId");

CREATE TABLE "FileShare" (
    "fileId" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "FileShare_pkey" PRIMARY KEY ("fileId", "userId")
);
CREATE INDEX "FileShare_userId_idx" ON "FileShare"("userId");

CREATE TABLE "Notification" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "kind" "NotificationKind" NOT NULL,
    "userId" UUID NOT NULL,
    "targetUserId" UUID,
    "emailedAt" TIMESTAMP(3),
    "resolvedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Notification_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "Notification_organizationId_resolvedAt_idx" ON "Notification"("organizationId", "resolvedAt");

CREATE TABLE "SyncRun" (
    "id" UUID NOT NULL,
    "connectionId" UUID NOT NULL,
    "trigger" "SyncTrigger" NOT NULL,
    "kind" "SyncKind" NOT NULL DEFAULT 'FULL',
    "status" "SyncStatus" NOT NULL DEFAULT 'RUNNING',
    "dryRun" BOOLEAN NOT NULL DEFAULT false,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    "entriesRead" INTEGER NOT NULL DEFAULT 0,
    "created" INTEGER NOT NULL DEFAULT 0,
    "updated" INTEGER NOT NULL DEFAULT 0,
    "unchanged" INTEGER NOT NULL DEFAULT 0,
    "disabled" INTEGER NOT NULL DEFAULT 0,
    "reenabled" INTEGER NOT NULL DEFAULT 0,
    "pendingTransfer" INTEGER NOT NULL DEFAULT 0,
    "warnings" JSONB NOT NULL DEFAULT '[]',
    "error" TEXT,
    "heldReason" TEXT,
    "runnerId" TEXT,
    CONSTRAINT "SyncRun_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "SyncRun_connectionId_startedAt_idx" ON "SyncRun"("connectionId", "startedAt");

CREATE TABLE "SyncEvent" (
    "id" UUID NOT NULL,
    "userId" UUID NOT NULL,
    "runId" UUID,
    "action" TEXT NOT NULL,
    "details" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "SyncEvent_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "SyncEvent_userId_createdAt_idx" ON "SyncEvent"("userId", "createdAt");

CREATE TABLE "LogEntry" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "connectionId" UUID,
    "level" "LogLevel" NOT NULL,
    "message" TEXT NOT NULL,
    "details" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "LogEntry_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "LogEntry_organizationId_createdAt_idx" ON "LogEntry"("organizationId", "createdAt");

CREATE TABLE "AuditLog" (
    "id" UUID NOT NULL,
    "actorId" UUID,
    "organizationId" UUID,
    "action" TEXT NOT NULL,
    "targetType" TEXT NOT NULL,
    "targetId" TEXT,
    "details" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "AuditLog_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "AuditLog_organizationId_createdAt_idx" ON "AuditLog"("organizationId", "createdAt");

CREATE TABLE "ConnectionRequest" (
    "id" UUID NOT NULL,
    "organizationId" UUID NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "createdById" UUID,
    "note" TEXT,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "usedAt" TIMESTAMP(3),
    "connectionId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ConnectionRequest_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "ConnectionRequest_tokenHash_key" ON "ConnectionRequest"("tokenHash");
CREATE UNIQUE INDEX "ConnectionRequest_connectionId_key" ON "ConnectionRequest"("connectionId");

-- Sign-in throttling (rate-limiter-flexible's RateLimiterPostgres layout), shared by every instance.
CREATE TABLE "RateLimit" (
    "key" VARCHAR(255) NOT NULL,
    "points" INTEGER NOT NULL DEFAULT 0,
    "expire" BIGINT,
    CONSTRAINT "RateLimit_pkey" PRIMARY KEY ("key")
);

ALTER TABLE "Organization" ADD CONSTRAINT "Organization_defaultPlanId_fkey" FOREIGN KEY ("defaultPlanId") REFERENCES "Plan"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "LdapConnection" ADD CONSTRAINT "LdapConnection_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "User" ADD CONSTRAINT "User_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "LdapConnection"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "User" ADD CONSTRAINT "User_supersededById_fkey" FOREIGN KEY ("supersededById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_planId_fkey" FOREIGN KEY ("planId") REFERENCES "Plan"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "Domain" ADD CONSTRAINT "Domain_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "Domain" ADD CONSTRAINT "Domain_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "LdapConnection"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "DirectoryGroup" ADD CONSTRAINT "DirectoryGroup_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "DirectoryGroup" ADD CONSTRAINT "DirectoryGroup_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "LdapConnection"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "DirectoryGroupMember" ADD CONSTRAINT "DirectoryGroupMember_groupId_fkey" FOREIGN KEY ("groupId") REFERENCES "DirectoryGroup"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "DirectoryGroupMember" ADD CONSTRAINT "DirectoryGroupMember_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "File" ADD CONSTRAINT "File_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "File" ADD CONSTRAINT "File_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "FileShare" ADD CONSTRAINT "FileShare_fileId_fkey" FOREIGN KEY ("fileId") REFERENCES "File"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "FileShare" ADD CONSTRAINT "FileShare_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "Notification" ADD CONSTRAINT "Notification_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "Notification" ADD CONSTRAINT "Notification_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "Notification" ADD CONSTRAINT "Notification_targetUserId_fkey" FOREIGN KEY ("targetUserId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "SyncRun" ADD CONSTRAINT "SyncRun_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "LdapConnection"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "SyncEvent" ADD CONSTRAINT "SyncEvent_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "SyncEvent" ADD CONSTRAINT "SyncEvent_runId_fkey" FOREIGN KEY ("runId") REFERENCES "SyncRun"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "LogEntry" ADD CONSTRAINT "LogEntry_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "LogEntry" ADD CONSTRAINT "LogEntry_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "LdapConnection"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "AuditLog" ADD CONSTRAINT "AuditLog_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "AuditLog" ADD CONSTRAINT "AuditLog_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "ConnectionRequest" ADD CONSTRAINT "ConnectionRequest_organizationId_fkey" FOREIGN KEY ("organizationId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "ConnectionRequest" ADD CONSTRAINT "ConnectionRequest_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "LdapConnection"("id") ON DELETE SET NULL ON UPDATE CASCADE;
