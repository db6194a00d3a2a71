-- The users pages search name, email and account name for a substring. At 100,000 accounts an ILIKE over
-- three columns reads the whole table; one trigram index over the three (pg_trgm folds case, so it serves
-- ILIKE) answers in milliseconds. One expression rather than three indexes: each index is written by every
-- account a sync creates. lib/users/queries.ts `SEARCH_TEXT` must stay the same expression.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX "User_search_trgm" ON "User"
  USING gin ((name || ' ' || email || ' ' || coalesce("accountName", '')) gin_trgm_ops);
