-- A Windows NT domain name routes `NTDOMAIN\name` sign-ins (and the passwords typed with them) to one
-- organisation's directories. Like a bind address, it is first-come and so takes a platform administrator's
-- approval; one approved name routes to one organisation.
ALTER TABLE "Domain" ADD COLUMN "ntDomainApprovedAt" TIMESTAMP(3);
ALTER TABLE "Domain" ADD COLUMN "ntDomainApprovedById" UUID;
CREATE UNIQUE INDEX "Domain_approved_ntDomain_key" ON "Domain" (lower("ntDomain"))
  WHERE "ntDomainApprovedAt" IS NOT NULL;
