import type { Metadata } from "next";
import { requireOrgPage } from "@/lib/auth/session";
import { openNotifications, transferTargets } from "@/lib/transfers/service";
import { Card, EmptyState, PageHeader } from "@/components/ui/misc";
import { TransferButton } from "@/components/notifications/transfer-button";
import { TRANSFER_NOTICE } from "@/lib/notifications/email";
import { ConflictActions } from "@/components/notifications/conflict-actions";
import { conflictDetailsSchema } from "@/lib/identity/conflicts";

export const metadata: Metadata = { title: "Notifications" };

export default async function NotificationsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { org } = await requireOrgPage(slug, "users:manage");
  const [notes, targets] = await Promise.all([openNotifications(org.id), transferTargets(org.id)]);
  const transfer = notes.filter((n) => n.kind === "OWNERSHIP_TRANSFER");
  const changed = notes.filter((n) => n.kind === "EMAIL_CHANGED");
  const conflicts = notes.flatMap((n) => {
    const details = conflictDetailsSchema.safeParse(n.details);
    return n.kind === "IDENTITY_CONFLICT" && details.success ? [{ ...n, conflict: details.data }] : [];
  });
  const options = targets.map((t) => t.user);
  return (
    <>
      <PageHeader title="Notifications" description="What needs an administrator's hand." />
      {notes.length === 0 ? (
        <Card>
          <EmptyState title="Nothing to do">
            When a directory user who owns files is disabled or deleted, their email changes, or a directory
            entry claims an account that is already another entry&apos;s, they appear here.
          </EmptyState>
        </Card>
      ) : (
        <div className="space-y-6">
          {conflicts.length > 0 && (
            <Card className="p-5">
              <h2 className="text-sm font-medium text-slate-900">Identity conflicts</h2>
              <p className="mt-1 text-sm text-slate-600">
                A directory entry has the email of an account that is already another entry&apos;s. Nothing
                changed: decide whether they are the same person.
              </p>
              <ul className="mt-4 divide-y divide-slate-100">
                {conflicts.map((n) => (
                  <li
                    key={n.id}
                    aria-label={`Conflict ${n.user.email}`}
                    className="flex flex-wrap items-center justify-between gap-3 py-3"
                  >
                    <div className="min-w-0 text-sm">
                      <p className="font-medium">{n.user.email}</p>
                      <p className="text-xs break-all text-slate-500">
                        Account of: {n.conflict.existing.dn ?? "a local or Ad hoc account"}
                      </p>
                      <p className="text-xs break-all text-slate-500">Claimed by: {n.conflict.entry.dn}</p>
                    </div>
                    <ConflictActions
                      slug={org.slug}
                      notificationId={n.id}
                      email={n.user.email}
                      entryDn={n.conflict.entry.dn}
                    />
                  </li>
                ))}
              </ul>
            </Card>
          )}
          {transfer.length > 0 && (
            <Card className="p-5">
              <p className="text-sm font-medium text-slate-900">{TRANSFER_NOTICE}</p>
              <ul className="mt-4 divide-y divide-slate-100">
                {transfer.map((n) => (
                  <li
                    key={n.id}
                    aria-label={n.user.email}
                    className="flex flex-wrap items-center justify-between gap-3 py-3"
                  >
                    <div>
                      <p className="font-medium">{n.user.name}</p>
                      <p className="text-xs text-slate-500">
                        {n.user.email} · {n.user._count.files} files
                      </p>
                    </div>
                    <TransferButton
                      slug={org.slug}
                      from={{ id: n.user.id, email: n.user.email, files: n.user._count.files }}
                      targets={options.filter((o) => o.id !== n.user.id)}
                    />
                  </li>
                ))}
              </ul>
            </Card>
          )}
          {changed.length > 0 && (
            <Card className="p-5">
              <p className="text-sm font-medium text-slate-900">
                These users&apos; email changed in the directory: a new account was made for the new email.
                Transfer the files of the old account to the new one.
              </p>
              <ul className="mt-4 divide-y divide-slate-100">
                {changed.map((n) => (
                  <li
                    key={n.id}
                    aria-label={n.user.email}
                    className="flex flex-wrap items-center justify-between gap-3 py-3"
                  >
                    <div>
                      <p className="font-medium">{n.user.name}</p>
                      <p className="text-xs text-slate-500">
                        {n.user.email} → {n.targetUser?.email ?? "?"} · {n.user._count.files} files · email
                        changed in the directory
                      </p>
                    </div>
                    <TransferButton
                      slug={org.slug}
                      from={{ id: n.user.id, email: n.user.email, files: n.user._count.files }}
                      targets={options.filter((o) => o.id !== n.user.id)}
                      preselect={n.targetUser?.id}
                    />
                  </li>
                ))}
              </ul>
            </Card>
          )}
        </div>
      )}
    </>
  );
}
