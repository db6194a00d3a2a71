-- The entry's change mark (uSNChanged or modifyTimestamp) as of the last time the sync read its attributes,
-- prefixed with a key of the connection's field mapping. A full sync first lists only ids and marks; an entry
-- whose mark is the stored one has not changed and is not read again.
ALTER TABLE "User" ADD COLUMN "directoryMark" TEXT;

-- The run that created a directory account: its "created" line in the user's timeline, without one timeline
-- row per account written during a first sync of 100,000 entries.
ALTER TABLE "User" ADD COLUMN "createdByRunId" UUID;

-- Neither index served a query (the users page sorts by email and searches with ILIKE), and every account the
-- sync writes paid for both. Sign-in by account name looks up local and Ad hoc accounts only, case-insensitively:
-- a partial index on lower("accountName") serves exactly that, and directory accounts do not enter it.
DROP INDEX IF EXISTS "User_name_idx";
DROP INDEX IF EXISTS "User_accountName_idx";
CREATE INDEX "User_accountName_lower_idx" ON "User" (lower("accountName")) WHERE source <> 'DIRECTORY';
