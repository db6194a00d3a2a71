import "server-only";
import crypto from "node:crypto";
import { db } from "@/lib/db";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { builtinAdminEmail, builtinAdminEnabled } from "@/lib/auth/builtin-admin";

/**
 * Makes the built-in administrator match ADMIN_EMAIL / ADMIN_PASSWORD. Without ADMIN_PASSWORD a password is
 * generated at first start, stored hashed, and returned once for printing; later starts keep it.
 */
export async function ensureBuiltinAdmin(): Promise<{
  email: string;
  generatedPassword?: string;
  enabled: boolean;
}> {
  const email = builtinAdminEmail();
  const enabled = builtinAdminEnabled();
  const configured = process.env.ADMIN_PASSWORD || undefined;
  const existing = await db.user.findFirst({
    where: { isBuiltinAdmin: true },
    select: { id: true, email: true, passwordHash: true },
  });
  if (!existing) {
    const clash = await db.user.findUnique({ where: { email }, select: { id: true } });
    if (clash)
      throw new Error(
        `ADMIN_EMAIL ${email} belongs to an existing account: choose another address for the ` +
          "built-in administrator.",
      );
    const password = configured ?? crypto.randomBytes(15).toString("base64url");
    await db.user.create({
      data: {
        email,
        name: "Built-in administrator",
        source: "LOCAL",
        isBuiltinAdmin: true,
        isPlatformAdmin: true,
        passwordHash: await hashPassword(password),
        passwordChangedAt: new Date(),
      },
    });
    return { email, enabled, generatedPassword: configured ? undefined : password };
  }
  const data: { email?: string; passwordHash?: string; passwordChangedAt?: Date; isPlatformAdmin: boolean } =
    { isPlatformAdmin: true };
  if (existing.email !== email) data.email = email;
  if (configured && !(await verifyPassword(existing.passwordHash, configured))) {
    data.passwordHash = await hashPassword(configured);
    data.passwordChangedAt = new Date();
  }
  await db.user.update({ where: { id: existing.id }, data });
  return { email, enabled };
}
