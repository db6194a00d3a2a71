import "server-only";
import { db } from "@/lib/db";
import { verifyPassword } from "@/lib/auth/password";
import { assertNotLocked, recordFailure, recordSuccess } from "@/lib/auth/rate-limit";
import { builtinAdminEnabled } from "@/lib/auth/builtin-admin";
import { authenticateWithDirectory, boundAddressOrganization } from "@/lib/auth/delegated";
import { parseLogin } from "@/lib/auth/login-parse";
import { throttleKey } from "@/lib/auth/throttle-key";

export const MAX_LOGIN_LENGTH = 320;

/** The directory accepted the password but requires it changed first (expired, or must change at next logon). */
export class PasswordExpiredError extends Error {
  constructor() {
    super("password-expired");
  }
}
export const MAX_PASSWORD_LENGTH = 1024;

/**
 * Checks a login (email, account name, DOMAIN\\name or name@domain) and password. Local accounts and the
 * built-in administrator are checked against their hash, everyone else against their directory. Returns the
 * user id, or null for every kind of failure: the caller shows one message whatever the reason, and the
 * organisation's log gets the real one. Throws TooManyAttemptsError when the account is locked for this
 * address, or the address is, and PasswordExpiredError when the directory says the password was right but has
 * expired or must be changed.
 */
export async function authenticate(
  rawLogin: string,
  password: string,
  address: string,
  host?: string,
): Promise<string | null> {
  const login = rawLogin.trim().toLowerCase();
  if (
    !login ||
    login.length > MAX_LOGIN_LENGTH ||
    !password ||
    password.length > MAX_PASSWORD_LENGTH ||
    login.includes("\0") ||
    password.includes("\0")
  )
    return null;
  // One counter for every form of one account's login (email, account name, DOMAIN\name).
  const key = await throttleKey(login);
  await assertNotLocked(key, address);

  // Directories get the login normalised as the local lookup is (trimmed, lower-cased).
  const parsed = parseLogin(login);
  const local =
    parsed.kind === "nt"
      ? null
      : login.includes("@")
        ? await db.user.findFirst({
            where: { email: login, source: { not: "DIRECTORY" } },
            select: { id: true, passwordHash: true, status: true, isBuiltinAdmin: true },
          })
        : // The partial index on lower("accountName") for local and Ad hoc accounts serves this
          // (migration 0004).
          // Reached on an approved bound address, a bare name is one of that organisation's members: another
          // organisation's local account of the same name does not stand in its way.
          await localByAccountName(login, await boundAddressOrganization(host));

  let userId: string | null = null;
  // An account without a password (an Ad hoc invitation not yet taken up) is no local sign-in: a directory
  // of the organisation that owns the address may still know the person.
  if (local?.passwordHash) {
    const usable = local.status === "ACTIVE" && (!local.isBuiltinAdmin || builtinAdminEnabled());
    const ok = await verifyPassword(usable ? local.passwordHash : null, password);
    if (usable && ok) userId = local.id;
  } else {
    // Delegated authentication: the directory decides.
    const result = await authenticateWithDirectory(parsed, password, host);
    if (result && "userId" in result) userId = result.userId;
    else if (result?.passwordExpired) {
      // Counted as a failure all the same: the message tells a guesser the password was right.
      await recordFailure(key, address);
      throw new PasswordExpiredError();
    }
    // Nobody knows the name: cost the same as a wrong password.
    else if (!result) await verifyPassword(null, password);
  }
  if (!userId) {
    await recordFailure(key, address);
    return null;
  }
  await recordSuccess(key, address);
  await db.user.update({ where: { id: userId }, data: { lastLoginAt: new Date() } });
  return userId;
}

type Local = { id: string; passwordHash: string | null; status: string; isBuiltinAdmin: boolean };

async function localByAccountName(login: string, organizationId: string | null): Promise<Local | null> {
  const rows = await db.$queryRaw<Local[]>`
    select u.id, u."passwordHash", u.status::text as status, u."isBuiltinAdmin" from "User" u
    where lower(u."accountName") = ${login} and u.source <> 'DIRECTORY'
      and (${organizationId}::uuid is null or exists (
        select 1 from "Membership" m where m."userId" = u.id and m."organizationId" = ${organizationId}::uuid))
    limit 1`;
  return rows[0] ?? null;
}
