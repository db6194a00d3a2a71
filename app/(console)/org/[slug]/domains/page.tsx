import type { Metadata } from "next";
import { requireOrgPage } from "@/lib/auth/session";
import { listDomains } from "@/lib/domains/service";
import { PageHeader } from "@/components/ui/misc";
import { AddDomainButton, DomainsTable } from "@/components/domains/domains-table";

export const metadata: Metadata = { title: "Domains" };

export default async function DomainsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { org } = await requireOrgPage(slug, "connections:manage");
  const domains = await listDomains(org.id);
  return (
    <>
      <PageHeader
        title="Domains"
        description={
          "Your organisation's domains. Verify a domain to make its addresses this organisation's; open " +
          "one to map its user accounts and groups from Microsoft Active Directory or Apple Open Directory."
        }
        actions={<AddDomainButton slug={org.slug} />}
      />
      <DomainsTable
        slug={org.slug}
        domains={domains.map((d) => ({
          id: d.id,
          name: d.name,
          mappingEnabled: d.mappingEnabled,
          directoryType: d.directoryType,
          kerberosRealm: d.kerberosRealm,
          ntDomain: d.ntDomain,
          users: d.connection?._count.users ?? 0,
          verifiedAt: d.verifiedAt,
          verificationMethod: d.verificationMethod,
          verifiedElsewhere: d.verifiedElsewhere,
        }))}
      />
    </>
  );
}
