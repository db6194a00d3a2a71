import type { Metadata } from "next";
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
      <Card className="mb-8">
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
      <h2 className="mb-2 text-sm font-semibold">Bind addresses waiting for approval</h2>
      <Card>
        {addresses.length === 0 ? (
          <EmptyState title="No bind address waits for approval" />
        ) : (
          <table
            className="min-w-full divide-y divide-slate-200"
            aria-label="Bind addresses waiting for approval"
          >
            <thead className="bg-slate-50">
              <tr>
                <th scope="col" className={th}>
                  Address
                </th>
                <th scope="col" className={th}>
                  Domain
                </th>
                <th scope="col" className={th}>
                  Organisation
                </th>
                <th scope="col" className={th}>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {addresses.map((a) => (
                <tr key={a.id} aria-label={`${a.bindIpAddress} (${a.name})`}>
                  <td className={`${td} font-mono text-xs`}>{a.bindIpAddress}</td>
                  <td className={td}>{a.name}</td>
                  <td className={td}>{a.organization.name}</td>
                  <td className={`${td} text-right`}>
                    <ApproveAddressButton
                      domain={{
                        id: a.id,
                        name: a.name,
                        org: a.organization.name,
                        address: a.bindIpAddress ?? "",
                      }}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      <h2 className="mt-8 mb-2 text-sm font-semibold">Windows NT domain names waiting for approval</h2>
      <Card>
        {ntNames.length === 0 ? (
          <EmptyState title="No NT domain name waits for approval" />
        ) : (
          <table
            className="min-w-full divide-y divide-slate-200"
            aria-label="Windows NT domain names waiting for approval"
          >
            <thead className="bg-slate-50">
              <tr>
                <th scope="col" className={th}>
                  NT domain
                </th>
                <th scope="col" className={th}>
                  Domain
                </th>
                <th scope="col" className={th}>
                  Organisation
                </th>
                <th scope="col" className={th}>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {ntNames.map((n) => (
                <tr key={n.id} aria-label={`${n.ntDomain} (${n.name})`}>
                  <td className={`${td} font-mono text-xs`}>{n.ntDomain}</td>
                  <td className={td}>{n.name}</td>
                  <td className={td}>{n.organization.name}</td>
                  <td className={`${td} text-right`}>
                    <ApproveNtDomainButton
                      domain={{
                        id: n.id,
                        name: n.name,
                        org: n.organization.name,
                        ntDomain: n.ntDomain ?? "",
                      }}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </>
  );
}
