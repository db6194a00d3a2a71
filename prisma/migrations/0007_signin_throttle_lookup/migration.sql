-- Sign-in throttling counts the email, the account name and DOMAIN\name of one account together: on every
-- attempt it resolves DOMAIN\name and name@upn-suffix to the directory account they name
-- (lib/auth/throttle-key.ts). These serve those lookups, as "User_accountName_lower_idx" serves local names.
CREATE INDEX "User_directory_accountName_lower_idx" ON "User" (lower("accountName"))
  WHERE source = 'DIRECTORY';
CREATE INDEX "User_userPrincipalName_lower_idx" ON "User" (lower("userPrincipalName"))
  WHERE "userPrincipalName" IS NOT NULL;
