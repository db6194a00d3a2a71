import type { Metadata } from "next";
import type { ReactNode } from "react";
import Link from "next/link";
import { requirePlatformAdminPage } from "@/lib/auth/session";
import { listPendingApprovals } from "@/lib/identity/verification";
import { Badge, Card, EmptyState, PageHeader, td, th } from "@/components/ui/misc";
import {
  ApproveAddressButton,
  ApproveDomainButton,
  ApproveNtDomainButton,
} from "@/components/admin/domain-approvals";

export const metadata: Metadata = { title: "Domain approvals" };

export default async function DomainApprovalsPage() {
  await requirePlatformAdminPage();
  const { claims, addresses, ntNames } = await listPendingApprovals();
  return (
    <>
      <PageHeader
        title="Domain approvals"
        description={
          "An organisation owns the addresses of the domains it verified, by a DNS TXT record or by " +
          "your approval for domains without public DNS. Bind addresses route bare-name sign-ins, and " +
          "Windows NT domain names route DOMAIN\\name sign-ins: both need your approval."
        }
      />
      <h2 className="mb-2 text-sm font-semibold">Domains not verified yet</h2>
      <Card>
        {claims.length === 0 ? (
          <EmptyState title="No unverified domains" />
        ) : (
          <table className="min-w-full divide-y divide-slate-200" aria-label="Domains not verified yet">
            <thead className="bg-slate-50">
              <tr>
                <th scope="col" className={th}>
                  Domain
                </th>
                <th scope="col" className={th}>
                  Organisation
                </th>
                <th scope="col" className={th}>
                  Added
                </th>
                <th scope="col" className={th}>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {claims.map((c) => (
                <tr key={c.id} aria-label={`${c.name} (${c.organization.name})`}>
                  <td className={`${td} font-medium text-slate-900`}>{c.name}</td>
                  <td className={td}>
                    <Link className="hover:underline" href={`/org/${c.organization.slug}/domains/${c.id}`}>
                      {c.organization.name}
                    </Link>
                  </td>
                  <td className={td}>{c.createdAt.toISOString().slice(0, 10)}</td>
                  <td className={`${td} text-right`}>
                    {c.verifiedElsewhere ? (
                      <Badge tone="red">Verified by another organisation</Badge>
                    ) : (
                      <ApproveDomainButton domain={{ id: c.id, name: c.name, org: c.organization.name }} />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      <RouteApprovals
        title="Bind addresses waiting for approval"
        empty="No bind address waits for approval"
        valueHeader="Address"
        rows={addresses.map((a) => ({ ...a, value: a.bindIpAddress ?? "" }))}
        button={(a) => (
          <ApproveAddressButton
            domain={{ id: a.id, name: a.name, org: a.organization.name, address: a.value }}
          />
        )}
      />
      <RouteApprovals
        title="Windows NT domain names waiting for approval"
        empty="No NT domain name waits for approval"
        valueHeader="NT domain"
        rows={ntNames.map((n) => ({ ...n, value: n.ntDomain ?? "" }))}
        button={(n) => (
          <ApproveNtDomainButton
            domain={{ id: n.id, name: n.name, org: n.organization.name, ntDomain: n.value }}
          />
        )}
      />
    </>
  );
}

type RouteRow = { id: string; name: string; value: string; organization: { name: string } };

/** A queue of first-come sign-in routes (bind addresses, NT names) waiting for a platform administrator. */
function RouteApprovals({
  title,
  empty,
  valueHeader,
  rows,
  button,
}: {
  title: string;
  empty: string;
  valueHeader: string;
  rows: RouteRow[];
  button: (row: RouteRow) => ReactNode;
}) {
  return (
    <>
      <h2 className="mt-8 mb-2 text-sm font-semibold">{title}</h2>
      <Card>
        {rows.length === 0 ? (
          <EmptyState title={empty} />
        ) : (
          <table className="min-w-full divide-y divide-slate-200" aria-label={title}>
            <thead className="bg-slate-50">
              <tr>
                {[valueHeader, "Domain", "Organisation"].map((h) => (
                  <th key={h} scope="col" className={th}>
                    {h}
                  </th>
                ))}
                <th scope="col" className={th}>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((r) => (
                <tr key={r.id} aria-label={`${r.value} (${r.name})`}>
                  <td className={`${td} font-mono text-xs`}>{r.value}</td>
                  <td className={td}>{r.name}</td>
                  <td className={td}>{r.organization.name}</td>
                  <td className={`${td} text-right`}>{button(r)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </>
  );
}
