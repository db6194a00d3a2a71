-- Invitations (issue 13, item 6): a set-password link belongs to the organisation whose share or
-- administrator issued it, can be revoked, and an account has at most one outstanding link.
ALTER TABLE "PasswordLink" ADD COLUMN "organizationId" UUID;
ALTER TABLE "PasswordLink" ADD COLUMN "revokedAt" TIMESTAMP(3);
-- True when the link went to the address by e-mail (the recipient proved the address); false when an
-- administrator copied it to hand over.
ALTER TABLE "PasswordLink" ADD COLUMN "emailed" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "PasswordLink" ADD CONSTRAINT "PasswordLink_organizationId_fkey" FOREIGN KEY ("organizationId")
  REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Existing links: the organisation that created the Ad hoc account (its audit entry).
UPDATE "PasswordLink" pl SET "organizationId" = a."organizationId"
FROM "AuditLog" a
WHERE a."action" = 'user.create-adhoc' AND a."targetId" = pl."userId"::text AND pl."organizationId" IS NULL;

-- Before the one-open-link rule: keep each account's newest open link, revoke the others.
UPDATE "PasswordLink" pl SET "revokedAt" = CURRENT_TIMESTAMP
WHERE pl."usedAt" IS NULL AND EXISTS (
  SELECT 1 FROM "PasswordLink" newer
  WHERE newer."userId" = pl."userId" AND newer."usedAt" IS NULL
    AND (newer."createdAt", newer."id") > (pl."createdAt", pl."id")
);
CREATE UNIQUE INDEX "PasswordLink_one_open_per_user" ON "PasswordLink"("userId")
  WHERE "usedAt" IS NULL AND "revokedAt" IS NULL;

-- Who invited an Ad hoc account is read from its creation's audit entry.
CREATE INDEX "AuditLog_action_targetId_idx" ON "AuditLog"("action", "targetId");
