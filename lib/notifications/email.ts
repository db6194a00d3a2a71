import "server-only";
import { db } from "@/lib/db";
import { mailConfigured, publicUrl, sendMail } from "@/lib/mail";

export const TRANSFER_NOTICE =
  "The following users still have files in the platform but have been disabled/deleted from your " +
  "Active Directory. Please transfer the ownership of their file(s) to another user.";

/**
 * E-mails the organisation's active administrators about open ownership-transfer notifications that have not
 * been e-mailed yet, one message per organisation and sync, and marks them e-mailed. Does nothing without
 * SMTP. A refused or unreachable mail server leaves the notifications un-mailed (the next sync tries again)
 * and writes a warning to the organisation's log; it never fails the sync.
 */
export async function emailOpenNotifications(
  organizationId: string,
): Promise<{ sent: number; recipients: string[] }> {
  if (!mailConfigured()) return { sent: 0, recipients: [] };
  const notes = await db.notification.findMany({
    where: {
      organizationId,
      resolvedAt: null,
      emailedAt: null,
      kind: { in: ["OWNERSHIP_TRANSFER", "EMAIL_CHANGED"] },
    },
    orderBy: { createdAt: "asc" },
    select: {
      id: true,
      kind: true,
      user: { select: { email: true, name: true, _count: { select: { files: true } } } },
      targetUser: { select: { email: true } },
    },
  });
  if (notes.length === 0) return { sent: 0, recipients: [] };
  const org = await db.organization.findUniqueOrThrow({
    where: { id: organizationId },
    select: { slug: true, name: true },
  });
  const admins = await db.membership.findMany({
    where: { organizationId, roles: { has: "ORG_ADMIN" }, user: { status: "ACTIVE" } },
    select: { user: { select: { email: true } } },
  });
  const recipients = admins.map((a) => a.user.email);
  if (recipients.length === 0) return { sent: 0, recipients };

  const lines = notes.map((n) => {
    const files = `${n.user._count.files} file${n.user._count.files === 1 ? "" : "s"}`;
    const why =
      n.kind === "EMAIL_CHANGED"
        ? `email changed in the directory${n.targetUser ? `; now ${n.targetUser.email}` : ""}`
        : "disabled or deleted in the directory";
    return `  - ${n.user.name} <${n.user.email}>: ${files} (${why})`;
  });
  const text = [
    `Organisation: ${org.name}`,
    "",
    TRANSFER_NOTICE,
    "",
    ...lines,
    "",
    `Transfer ownership: ${publicUrl(`/org/${org.slug}/notifications`)}`,
  ].join("\n");
  try {
    await sendMail({
      to: recipients,
      subject: `${org.name}: ${notes.length} user${notes.length === 1 ? "" : "s"} with files to transfer`,
      text,
    });
  } catch (error) {
    await db.logEntry
      .create({
        data: {
          organizationId,
          level: "WARNING",
          message: `Could not e-mail the ownership-transfer notification: ${(error as Error).message}`,
        },
      })
      .catch(() => {});
    return { sent: 0, recipients };
  }
  await db.notification.updateMany({
    where: { id: { in: notes.map((n) => n.id) } },
    data: { emailedAt: new Date() },
  });
  return { sent: notes.length, recipients };
}
