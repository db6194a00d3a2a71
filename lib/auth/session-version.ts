import "server-only";
import type { Prisma } from "@/lib/generated/prisma/client";

type Client = Pick<Prisma.TransactionClient, "user">;

/**
 * Ends every session of the person: each session carries the version it was issued at, and getCurrentUser
 * (lib/auth/session.ts) refuses one whose version is not the stored one. Run it in the transaction of the
 * change that calls for it (a password change, a role change), or after a sign-out.
 */
export async function endSessions(client: Client, userId: string): Promise<void> {
  await client.user.updateMany({ where: { id: userId }, data: { sessionVersion: { increment: 1 } } });
}
