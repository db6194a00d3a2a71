import type { Metadata } from "next";
import { requirePlatformAdminPage } from "@/lib/auth/session";
import { listPlans } from "@/lib/organizations/queries";
import { bytesToGb } from "@/lib/organizations/service";
import { Badge, Card, EmptyState, PageHeader, td, th } from "@/components/ui/misc";
import { PlanButton, PlanRowActions } from "@/components/admin/plan-forms";

export const metadata: Metadata = { title: "Plans" };

export default async function PlansPage() {
  await requirePlatformAdminPage();
  const plans = await listPlans();
  return (
    <>
      <PageHeader
        title="Plans"
        description={
          "Plans set each user's storage quota. Exactly one plan is the default: new organisations " +
          "start on it."
        }
        actions={<PlanButton />}
      />
      <Card>
        {plans.length === 0 ? (
          <EmptyState title="No plans yet">Create a plan: the first one becomes the default.</EmptyState>
        ) : (
          <table className="min-w-full divide-y divide-slate-200">
            <thead className="bg-slate-50">
              <tr>
                <th scope="col" className={th}>
                  Plan
                </th>
                <th scope="col" className={`${th} text-right`}>
                  Storage quota
                </th>
                <th scope="col" className={`${th} text-right`}>
                  Organisations
                </th>
                <th scope="col" className={`${th} text-right`}>
                  Users
                </th>
                <th scope="col" className={th}>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {plans.map((p) => (
                <tr key={p.id} aria-label={p.name}>
                  <td className={`${td} font-medium text-slate-900`}>
                    {p.name} {p.isDefault && <Badge tone="blue">Default</Badge>}
                  </td>
                  <td className={`${td} text-right tabular-nums`}>{bytesToGb(p.storageQuotaBytes)} GB</td>
                  <td className={`${td} text-right tabular-nums`}>{p._count.organizations}</td>
                  <td className={`${td} text-right tabular-nums`}>{p._count.memberships}</td>
                  <td className={`${td} text-right`}>
                    <PlanRowActions
                      plan={{
                        id: p.id,
                        name: p.name,
                        storageQuotaGb: bytesToGb(p.storageQuotaBytes),
                        isDefault: p.isDefault,
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
