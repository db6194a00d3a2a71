import type { Metadata } from "next";
import Link from "next/link";
import { requirePlatformAdminPage } from "@/lib/auth/session";
import { listOrganizations, listPlans } from "@/lib/organizations/queries";
import { Card, EmptyState, PageHeader, td, th } from "@/components/ui/misc";
import { CreateOrganizationButton, OrganizationRowActions } from "@/components/admin/organization-forms";

export const metadata: Metadata = { title: "Organisations" };

export default async function OrganisationsPage() {
  await requirePlatformAdminPage();
  const [orgs, plans] = await Promise.all([listOrganizations(), listPlans()]);
  const planOptions = plans.map((p) => ({ id: p.id, name: p.name }));
  return (
    <>
      <PageHeader
        title="Organisations"
        description={
          "Each organisation connects its own directories and has its own administrators, users and " +
          "default plan."
        }
        actions={<CreateOrganizationButton />}
      />
      <Card>
        {orgs.length === 0 ? (
          <EmptyState title="No organisations yet">
            Create the first organisation, then grant someone its administrator role.
          </EmptyState>
        ) : (
          <table className="min-w-full divide-y divide-slate-200">
            <thead className="bg-slate-50">
              <tr>
                <th scope="col" className={th}>
                  Name
                </th>
                <th scope="col" className={th}>
                  Address
                </th>
                <th scope="col" className={th}>
                  Default plan
                </th>
                <th scope="col" className={`${th} text-right`}>
                  Users
                </th>
                <th scope="col" className={`${th} text-right`}>
                  LDAP connections
                </th>
                <th scope="col" className={th}>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {orgs.map((o) => (
                <tr key={o.id} aria-label={o.name}>
                  <td className={`${td} font-medium text-slate-900`}>
                    <Link className="hover:underline" href={`/org/${o.slug}/users`}>
                      {o.name}
                    </Link>
                  </td>
                  <td className={`${td} font-mono text-xs`}>/org/{o.slug}</td>
                  <td className={td}>{o.defaultPlan.name}</td>
                  <td className={`${td} text-right tabular-nums`}>{o._count.memberships}</td>
                  <td className={`${td} text-right tabular-nums`}>{o._count.connections}</td>
                  <td className={`${td} text-right`}>
                    <OrganizationRowActions
                      org={{ id: o.id, name: o.name, planId: o.defaultPlan.id }}
                      plans={planOptions}
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
