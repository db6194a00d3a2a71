import "server-only";
import { z } from "zod";
import { db } from "@/lib/db";
import { audit } from "@/lib/audit";
import { NotFoundError, UserError } from "@/lib/errors";
import { verifiedOwnerOfEmail } from "@/lib/identity/domains";
import type { OrgCtx } from "@/lib/auth/org-context";

// Identity conflicts (DESIGN.md): a directory entry claims an email whose account is bound to another
// connection or another stable id. The sync changes nothing; an administrator of the organisation decides:
// the same person (link the account to the claiming entry) or keep them apart (the sync stops asking).

export const conflictDetailsSchema = z.object({
  connectionId: z.uuid(),
  email: z.string(),
  entry: z.object({ dn: z.string(), directoryId: z.string().nullable() }),
  existing: z.object({
    dn: z.string().nullable(),
    directoryId: z.string().nullable(),
    connectionId: z.string().nullable(),
  }),
});
export type ConflictDetails = z.infer<typeof conflictDetailsSchema>;

export const resolveConflictSchema = z.object({
  notificationId: z.uuid("Not found."),
  decision: z.enum(["LINKED", "KEPT_APART"]),
});

export async function resolveConflict(
  ctx: OrgCtx,
  notificationId: string,
  decision: "LINKED" | "KEPT_APART",
): Promise<void> {
  const note = await db.notification.findFirst({
    where: {
      id: notificationId,
      organizationId: ctx.organizationId,
      kind: "IDENTITY_CONFLICT",
      resolvedAt: null,
    },
    select: {
      id: true,
      details: true,
      user: {
        select: {
          id: true,
          email: true,
          isPlatformAdmin: true,
          isBuiltinAdmin: true,
          connection: { select: { organizationId: true } },
        },
      },
    },
  });
  if (!note) throw new NotFoundError("This conflict is not open any more.");
  const details = conflictDetailsSchema.parse(note.details);
  if (decision === "LINKED") await assertLinkable(ctx, note.user, details);
  await db.$transaction(async (tx) => {
    if (decision === "LINKED")
      await tx.user.update({
        where: { id: note.user.id },
        data: {
          source: "DIRECTORY",
          connectionId: details.connectionId,
          directoryId: details.entry.directoryId,
          dn: details.entry.dn,
          // The next sync reads the entry in full and updates the fields.
          directoryHash: null,
          directoryMark: null,
          supersededById: null,
          passwordHash: null,
          sessionVersion: { increment: 1 },
        },
      });
    await tx.notification.update({
      where: { id: note.id },
      data: { resolvedAt: new Date(), resolution: decision },
    });
    await audit(tx, {
      actorId: ctx.actorId,
      organizationId: ctx.organizationId,
      action: decision === "LINKED" ? "identity.conflict-link" : "identity.conflict-keep-apart",
      targetType: "user",
      targetId: note.user.id,
      details: { email: note.user.email, entry: details.entry.dn, previous: details.existing.dn },
    });
  });
}

async function assertLinkable(
  ctx: OrgCtx,
  user: {
    email: string;
    isPlatformAdmin: boolean;
    isBuiltinAdmin: boolean;
    connection: { organizationId: string } | null;
  },
  details: ConflictDetails,
) {
  if (user.isPlatformAdmin || user.isBuiltinAdmin)
    throw new UserError("A platform administrator's account is never linked to a directory.");
  // Another organisation's directory account stays that organisation's, whoever verified the domain since.
  if (user.connection && user.connection.organizationId !== ctx.organizationId)
    throw new UserError(
      "This account belongs to another organisation's directory: it cannot be linked here.",
    );
  if ((await verifiedOwnerOfEmail(user.email)) !== ctx.organizationId)
    throw new UserError("This email is not in a verified domain of this organisation any more.");
  const connection = await db.ldapConnection.findFirst({
    where: { id: details.connectionId, organizationId: ctx.organizationId },
    select: { id: true },
  });
  if (!connection) throw new UserError("The connection of this entry no longer exists.");
}
