-- Group settings per connection (issue 14): Group base DN (blank: the Base DN), Group filter and the member
-- attributes. Blank values mean the preset's defaults (lib/directory/presets.ts); existing connections get
-- those defaults written out here, so that the form shows what the sync uses.
ALTER TABLE "LdapConnection" ADD COLUMN "groupBaseDn" TEXT NOT NULL DEFAULT '';
ALTER TABLE "LdapConnection" ADD COLUMN "groupFilter" TEXT NOT NULL DEFAULT '';
ALTER TABLE "LdapConnection" ADD COLUMN "groupMemberAttributes" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[];

UPDATE "LdapConnection" SET
  "groupFilter" = CASE preset
    WHEN 'ACTIVE_DIRECTORY' THEN '(objectClass=group)'
    WHEN 'OPEN_DIRECTORY' THEN '(|(objectClass=apple-group)(objectClass=posixGroup)(objectClass=groupOfNames))'
    ELSE '(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)(objectClass=group)(objectClass=posixGroup))'
  END,
  "groupMemberAttributes" = CASE preset
    WHEN 'ACTIVE_DIRECTORY' THEN ARRAY['member']
    WHEN 'OPEN_DIRECTORY' THEN ARRAY['memberUid', 'member']
    ELSE ARRAY['member', 'uniqueMember', 'memberUid']
  END;

-- Direct members are listed in the group's entry; inherited ones come through a nested group (viaGroupId).
-- Existing rows were all read from the group's own entry: direct.
ALTER TABLE "DirectoryGroupMember" ADD COLUMN "direct" BOOLEAN NOT NULL DEFAULT true;
ALTER TABLE "DirectoryGroupMember" ADD COLUMN "viaGroupId" UUID;
ALTER TABLE "DirectoryGroupMember" ADD CONSTRAINT "DirectoryGroupMember_viaGroupId_fkey" FOREIGN KEY ("viaGroupId")
  REFERENCES "DirectoryGroup"("id") ON DELETE CASCADE ON UPDATE CASCADE;
