-- The expression index of 0001 was never used by the users page's search (which filters name, email and
-- account name separately), and every insert and rename of a user paid for it: the sync benchmark spent most
-- of its update time maintaining it. A 100,000-user search is a fast sequential scan without it.
DROP INDEX IF EXISTS "User_search_trgm";
