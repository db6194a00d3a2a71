import type { Metadata } from "next";
import { requireOrgPage } from "@/lib/auth/session";
import { openNotifications, transferTargets } from "@/lib/transfers/service";
import { Card, EmptyState, PageHeader } from "@/components/ui/misc";
import { TransferButton } from "@/components/notifications/transfer-button";
import { TRANSFER_NOTICE } from "@/lib/notifications/email";

export const metadata: Metadata = { title: "Notifications" };

export default async function NotificationsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { org } = await requireOrgPage(slug, "users:manage");
  const [notes, targets] = await Promise.all([openNotifications(org.id), transferTargets(org.id)]);
  const transfer = notes.filter((n) => n.kind === "OWNERSHIP_TRANSFER");
  const changed = notes.filter((n) => n.kind === "EMAIL_CHANGED");
  const options = targets.map((t) => t.user);
  return (
    <>
      <PageHeader title="Notifications" description="What needs an administrator's hand." />
      {notes.length === 0 ? (
        <Card>
          <EmptyState title="Nothing to do">
            When a directory user who owns files is disabled or deleted, or their email changes, they appear
            here.
          </EmptyState>
        </Card>
      ) : (
        <div className="space-y-6">
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
