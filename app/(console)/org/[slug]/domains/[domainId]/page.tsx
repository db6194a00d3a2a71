import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requireOrgPage } from "@/lib/auth/session";
import { isUuid } from "@/lib/ids";
import { getDomain, lockoutRisk } from "@/lib/domains/service";
import { challengeOf } from "@/lib/identity/verification";
import { PageHeader } from "@/components/ui/misc";
import { DomainTabs } from "@/components/domains/domain-tabs";

export const metadata: Metadata = { title: "Domain" };

export default async function DomainPage({
  params,
}: {
  params: Promise<{ slug: string; domainId: string }>;
}) {
  const { slug, domainId } = await params;
  const { user, org } = await requireOrgPage(slug, "connections:manage");
  if (!isUuid(domainId)) notFound();
  const domain = await getDomain(org.id, domainId);
  if (!domain) notFound();
  return (
    <>
      <p className="mb-2 text-sm">
        <Link className="text-brand-700 hover:underline" href={`/org/${org.slug}/domains`}>
          ← Domains
        </Link>
      </p>
      <PageHeader title={domain.name} />
      <DomainTabs
        slug={org.slug}
        domain={domain}
        lockoutRisk={await lockoutRisk(org.id)}
        record={challengeOf(domain)}
        isPlatformAdmin={user.isPlatformAdmin}
      />
    </>
  );
}
