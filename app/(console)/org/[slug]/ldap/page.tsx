import type { Metadata } from "next";
import { requireOrgPage } from "@/lib/auth/session";
import { listConnections } from "@/lib/connections/queries";
import { lastRuns } from "@/lib/sync/queries";
import { PageHeader } from "@/components/ui/misc";
import { ConnectionsTable } from "@/components/connections/connections-table";
import { AddConnectionButton, RequestLinkButton } from "@/components/connections/connection-dialogs";

export const metadata: Metadata = { title: "LDAP Connections" };

export default async function LdapConnectionsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { org } = await requireOrgPage(slug, "connections:manage");
  const [connections, runs] = await Promise.all([listConnections(org.id), lastRuns(org.id)]);
  return (
    <>
      <PageHeader
        title="LDAP Connections"
        description={
          "Connect your LDAP servers and user directories. Their users are added to this organisation " +
          "at the next synchronisation and sign in with their directory password. Mapping is one-way: " +
          "nothing is ever written to a directory."
        }
        actions={
          <>
            <RequestLinkButton slug={org.slug} />
            <AddConnectionButton slug={org.slug} />
          </>
        }
      />
      <ConnectionsTable
        slug={org.slug}
        connections={connections.map((c) => ({
          ...c,
          userCount: c._count.users,
          lastSyncAt: c.lastSyncAt?.toISOString() ?? null,
          nextSyncAt: c.nextSyncAt?.toISOString() ?? null,
          createdAt: c.createdAt.toISOString(),
          lastRun: runs.get(c.id),
        }))}
      />
    </>
  );
}
