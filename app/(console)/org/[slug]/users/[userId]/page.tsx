import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requireOrgPage } from "@/lib/auth/session";
import { isUuid } from "@/lib/ids";
import { userTimeline } from "@/lib/sync/queries";
import { fileTotalsByUser } from "@/lib/files/service";
import { invitationLinkAvailability } from "@/lib/files/invitations";
import { InvitationLinkButton } from "@/components/files/invitation-link-button";
import { formatBytes } from "@/lib/files/schema";
import { transferTargets } from "@/lib/transfers/service";
import { TransferButton } from "@/components/notifications/transfer-button";
import { Badge, Card, PageHeader } from "@/components/ui/misc";
import { SOURCE_LABELS, STATUS_LABELS } from "@/lib/users/schema";
import { formatTimestamp } from "@/lib/format/time";

export const metadata: Metadata = { title: "User" };

const ACTION_LABEL: Record<string, string> = {
  created: "Created from the directory",
  linked: "Linked to the directory entry",
  updated: "Updated from the directory",
  disabled: "Disabled",
  "pending-transfer": "Marked pending transfer (owns files)",
  "re-enabled": "Re-enabled",
};

function describe(action: string, details: Record<string, unknown>): string {
  if (action === "updated" || action === "linked") {
    const fields = (details.fields as string[] | undefined) ?? [];
    return fields.length ? `fields: ${fields.join(", ")}` : "";
  }
  if (details.reason) return String(details.reason);
  if (action === "created")
    return (
      String(details.dn ?? "") +
      (details.disabled ? " (disabled in the directory)" : "") +
      (details.previousAccount ? " — email changed; the previous account is kept for transfer" : "")
    );
  if (action === "re-enabled" && details.statusValue) return `status value ${details.statusValue}`;
  return "";
}

export default async function UserPage({ params }: { params: Promise<{ slug: string; userId: string }> }) {
  const { slug, userId } = await params;
  const { org } = await requireOrgPage(slug, "users:manage");
  if (!isUuid(userId)) notFound();
  const user = await userTimeline(org.id, userId);
  if (!user) notFound();
  const [totals, targets, invitation] = await Promise.all([
    fileTotalsByUser(org.id, [user.id]),
    transferTargets(org.id),
    invitationLinkAvailability(org.id, user.id),
  ]);
  const files = totals.get(user.id) ?? { count: 0, bytes: 0n };
  const directory = user.source === "DIRECTORY";
  const fields: [string, string | null][] = [
    ["Email", user.email],
    ["Full name", user.name],
    ["Account name", user.accountName],
    ["User principal name", user.userPrincipalName],
    ["Distinguished name", user.dn],
    ["Stable directory id", user.directoryId],
    ["Status value in the directory", user.directoryStatus],
  ];
  return (
    <>
      <p className="mb-2 text-sm">
        <Link className="text-brand-700 hover:underline" href={`/org/${org.slug}/users`}>
          ← Users
        </Link>
      </p>
      <PageHeader title={user.name} description={user.email} />
      <div className="grid gap-6 lg:grid-cols-2">
        <Card className="p-5">
          {user.outside ? (
            <p className="mb-3 rounded-md bg-slate-50 p-2 text-xs text-slate-600">
              Outside this organisation: this person&apos;s account belongs to another organisation or to
              nobody here. You see the address you shared with and their membership here only.
            </p>
          ) : (
            <div className="mb-3 flex flex-wrap gap-2">
              <Badge tone={directory ? "blue" : "gray"}>
                {SOURCE_LABELS[user.source]}
                {user.connection ? `: ${user.connection.name}` : ""}
              </Badge>
              <Badge tone={user.status === "ACTIVE" ? "green" : user.status === "DISABLED" ? "red" : "amber"}>
                {STATUS_LABELS[user.status]}
              </Badge>
            </div>
          )}
          {directory && !user.outside && (
            <p className="mb-3 rounded-md bg-slate-50 p-2 text-xs text-slate-600">
              These fields come from the directory and are read-only here: change them in the directory; the
              next synchronisation brings the change.
            </p>
          )}
          <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1.5 text-sm">
            {fields
              .filter(([, v]) => v)
              .map(([k, v]) => (
                <div key={k} className="contents">
                  <dt className="text-slate-500">{k}</dt>
                  <dd className="font-mono text-xs leading-5 break-all">{v}</dd>
                </div>
              ))}
          </dl>
          {user.supersededBy && (
            <p className="mt-3 text-sm text-amber-800">
              The directory entry now has the email {user.supersededBy.email}: that account is current; this
              one is kept for ownership transfer.
            </p>
          )}
          {user.supersedes.length > 0 && (
            <p className="mt-3 text-sm text-slate-600">
              Same person, earlier email: {user.supersedes.map((s) => s.email).join(", ")}.
            </p>
          )}
          {user.groupMemberships.length > 0 && (
            <section aria-labelledby="groups-heading" className="mt-4">
              <h2 id="groups-heading" className="mb-1 text-sm font-semibold">
                Groups
              </h2>
              <ul className="space-y-0.5 text-sm" aria-label="Groups">
                {user.groupMemberships.map((m) => (
                  <li key={m.group.id} title={m.group.dn}>
                    {m.group.name}{" "}
                    <span className="text-xs text-slate-500">
                      {m.direct
                        ? "direct member"
                        : `inherited through ${m.viaGroup?.name ?? "a nested group"}`}
                    </span>
                  </li>
                ))}
              </ul>
            </section>
          )}
        </Card>
        <Card className="p-5">
          <h2 className="mb-2 text-base font-semibold">Files</h2>
          <p className="text-sm text-slate-600" data-testid="file-totals">
            {files.count === 0
              ? "Owns no files in this organisation."
              : `Owns ${files.count} file${files.count === 1 ? "" : "s"} ` +
                `(${formatBytes(files.bytes)}) in this organisation.`}
          </p>
          {files.count > 0 && (
            <div className="mt-3">
              <p className="mb-2 text-xs text-slate-500">
                Moves every file and its shares to another active member in one step.
                {user.status === "PENDING_TRANSFER" ? " This account is then disabled." : ""}
              </p>
              <TransferButton
                slug={org.slug}
                from={{ id: user.id, email: user.email, files: files.count }}
                targets={targets.map((t) => t.user).filter((t) => t.id !== user.id)}
                preselect={user.supersededBy?.id}
                keepsSourceActive={user.status === "ACTIVE"}
              />
            </div>
          )}
        </Card>
        {(invitation.available || invitation.reason) && (
          <Card className="p-5">
            <h2 className="mb-2 text-base font-semibold">Invitation</h2>
            <p className="mb-3 text-sm text-slate-600">
              {invitation.available
                ? "This Ad hoc account has no password yet. Without e-mail, give them a link to set one."
                : `This Ad hoc account has no password yet. ${invitation.reason}`}
            </p>
            {invitation.available && (
              <InvitationLinkButton slug={org.slug} userId={user.id} email={user.email} />
            )}
          </Card>
        )}
        <Card className="p-5">
          <h2 className="mb-3 text-base font-semibold">Synchronisation timeline</h2>
          {user.syncEvents.length === 0 ? (
            <p className="text-sm text-slate-500">No synchronisation decision about this user yet.</p>
          ) : (
            <ol className="space-y-3 border-l border-slate-200 pl-4" aria-label="Synchronisation timeline">
              {user.syncEvents.map((e) => (
                <li key={e.id} className="text-sm">
                  <p className="font-medium">{ACTION_LABEL[e.action] ?? e.action}</p>
                  <p className="text-xs text-slate-600">
                    {describe(e.action, e.details as Record<string, unknown>)}
                  </p>
                  <p className="text-xs text-slate-400">
                    {formatTimestamp(e.createdAt)} UTC
                    {e.runId ? ` · run ${e.runId.slice(0, 8)}` : ""}
                  </p>
                </li>
              ))}
            </ol>
          )}
        </Card>
      </div>
    </>
  );
}
