-- Tenant-bound identity (DESIGN.md, "Identity belongs to a tenant").

-- An email belongs to the organisation that verified its domain: by a DNS TXT record
-- (_directory-console-challenge.<domain> holding verificationToken) or by a platform administrator's approval.
CREATE TYPE "DomainVerification" AS ENUM ('DNS', 'APPROVED');
ALTER TABLE "Domain" ADD COLUMN "verificationToken" TEXT NOT NULL DEFAULT replace(gen_random_uuid()::text, '-', '');
ALTER TABLE "Domain" ADD COLUMN "verifiedAt" TIMESTAMP(3);
ALTER TABLE "Domain" ADD COLUMN "verificationMethod" "DomainVerification";
ALTER TABLE "Domain" ADD COLUMN "verifiedById" UUID;
-- Kerio's "Bind this domain to specific IP address" routes bare-name sign-ins: it takes a platform
-- administrator's approval, and one address binds at most one organisation.
ALTER TABLE "Domain" ADD COLUMN "bindIpApprovedAt" TIMESTAMP(3);
ALTER TABLE "Domain" ADD COLUMN "bindIpApprovedById" UUID;
-- A domain is verified by at most one organisation; a verified NT domain name routes to one organisation only.
CREATE UNIQUE INDEX "Domain_verified_name_key" ON "Domain" (lower("name")) WHERE "verifiedAt" IS NOT NULL;
CREATE UNIQUE INDEX "Domain_verified_ntDomain_key" ON "Domain" (lower("ntDomain"))
  WHERE "verifiedAt" IS NOT NULL AND "ntDomain" IS NOT NULL AND "ntDomain" <> '';
CREATE UNIQUE INDEX "Domain_approved_bindIpAddress_key" ON "Domain" (lower("bindIpAddress"))
  WHERE "bindIpApprovedAt" IS NOT NULL;

-- An organisation disables a person's membership in it; only the owning organisation changes the account.
CREATE TYPE "MembershipStatus" AS ENUM ('ACTIVE', 'DISABLED');
ALTER TABLE "Membership" ADD COLUMN "status" "MembershipStatus" NOT NULL DEFAULT 'ACTIVE';

-- Raised by sign-out, a password change and a role change: every session issued at an older version ends.
ALTER TABLE "User" ADD COLUMN "sessionVersion" INTEGER NOT NULL DEFAULT 0;

-- Identity conflicts: an entry claims an email already bound to another connection or stable id. Nothing
-- changes until an administrator decides; the decision is kept (resolution) so the sync does not ask again.
ALTER TYPE "NotificationKind" ADD VALUE 'IDENTITY_CONFLICT';
ALTER TABLE "Notification" ADD COLUMN "details" JSONB NOT NULL DEFAULT '{}';
ALTER TABLE "Notification" ADD COLUMN "resolution" TEXT;
