import "server-only";
import { db } from "@/lib/db";
import { verifyPassword } from "@/lib/auth/password";
import { assertNotLocked, recordFailure, recordSuccess } from "@/lib/auth/rate-limit";
import { builtinAdminEnabled } from "@/lib/auth/builtin-admin";

export const MAX_LOGIN_LENGTH = 320;
export const MAX_PASSWORD_LENGTH = 1024;

/**
 * Checks a login (email or account name) and password. Returns the user id, or null for every kind of failure:
 * the caller shows one message whatever the reason. Throws TooManyAttemptsError when the login or the
 * address is locked.
 */
export async function authenticate(rawLogin: string, password: string, address: string): Promise<string | null> {
  const login = rawLogin.trim().toLowerCase();
  if (!login || login.length > MAX_LOGIN_LENGTH || !password || password.length > MAX_PASSWORD_LENGTH || login.includes("\0")) return null;
  await assertNotLocked(login, address);

  const user = await db.user.findFirst({
    where: login.includes("@") ? { email: login } : { accountName: { equals: login, mode: "insensitive" }, source: { not: "DIRECTORY" } },
    select: { id: true, passwordHash: true, status: true, source: true, isBuiltinAdmin: true },
  });
  // Directory accounts sign in through their directory (delegated authentication), not a local hash.
  const usable = user && user.status === "ACTIVE" && user.source !== "DIRECTORY" && (!user.isBuiltinAdmin || builtinAdminEnabled());
  const ok = await verifyPassword(usable ? user.passwordHash : null, password);
  if (!usable || !ok) {
    await recordFailure(login, address);
    return null;
  }
  await recordSuccess(login);
  await db.user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
  return user.id;
}
