import type { Metadata } from "next";
import { requirePlatformAdminPage } from "@/lib/auth/session";
import { listAudit } from "@/lib/organizations/queries";
import { Card, EmptyState, PageHeader, Pagination, td, th } from "@/components/ui/misc";
import { formatTimestamp } from "@/lib/format/time";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditPage({ searchParams }: { searchParams: Promise<{ page?: string }> }) {
  await requirePlatformAdminPage();
  const page = Math.max(1, Number.parseInt((await searchParams).page ?? "1", 10) || 1);
  const { total, rows, pageSize } = await listAudit(page);
  return (
    <>
      <PageHeader
        title="Audit log"
        description="Who changed what: roles, accounts, organisations and plans."
      />
      <Card>
        {rows.length === 0 ? (
          <EmptyState title="Nothing recorded yet" />
        ) : (
          <table className="min-w-full divide-y divide-slate-200">
            <thead className="bg-slate-50">
              <tr>
                <th scope="col" className={th}>
                  When (UTC)
                </th>
                <th scope="col" className={th}>
                  Who
                </th>
                <th scope="col" className={th}>
                  Action
                </th>
                <th scope="col" className={th}>
                  Organisation
                </th>
                <th scope="col" className={th}>
                  Details
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((r) => (
                <tr key={r.id}>
                  <td className={`${td} whitespace-nowrap tabular-nums`}>{formatTimestamp(r.createdAt)}</td>
                  <td className={td}>{r.actor?.email ?? "system"}</td>
                  <td className={`${td} font-mono text-xs`}>{r.action}</td>
                  <td className={td}>{r.organization?.slug ?? "—"}</td>
                  <td
                    className={`${td} max-w-md truncate font-mono text-xs text-slate-500`}
                    title={JSON.stringify(r.details)}
                  >
                    {JSON.stringify(r.details)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <Pagination page={page} pageSize={pageSize} total={total} params={{}} />
      </Card>
    </>
  );
}
