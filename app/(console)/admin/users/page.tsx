import type { Metadata } from "next";
import { requirePlatformAdminPage } from "@/lib/auth/session";
import { listAllUsers } from "@/lib/users/queries";
import { listOrganizations } from "@/lib/organizations/queries";
import { SOURCE_LABELS, STATUS_LABELS, userListQuerySchema } from "@/lib/users/schema";
import { Badge, Card, EmptyState, PageHeader, KeysetPagination, td, th } from "@/components/ui/misc";
import { inputClass } from "@/components/ui/field";
import { buttonClass } from "@/components/ui/button";
import { AdminRoleActions } from "@/components/admin/role-actions";

export const metadata: Metadata = { title: "Users and roles" };

export default async function AdminUsersPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const actor = await requirePlatformAdminPage();
  const query = userListQuerySchema
    .pick({ q: true, page: true, after: true, before: true })
    .parse(await searchParams);
  const { q, page } = query;
  const [{ total, pageSize, rows, more }, orgs] = await Promise.all([
    listAllUsers(query),
    listOrganizations(),
  ]);
  const orgOptions = orgs.map((o) => ({ id: o.id, name: o.name, slug: o.slug }));
  return (
    <>
      <PageHeader
        title="Users and roles"
        description={
          "Every account on the platform. Grant or revoke the organisation-administrator role per " +
          "organisation and the platform-administrator role, for local and directory users alike."
        }
      />
      <Card>
        <form role="search" method="get" className="flex items-end gap-3 border-b border-slate-200 p-4">
          <div className="min-w-64 flex-1">
            <label htmlFor="q" className="mb-1 block text-xs font-medium text-slate-600">
              Search
            </label>
            <input
              id="q"
              name="q"
              defaultValue={q}
              placeholder="Name, email or account name"
              className={inputClass}
            />
          </div>
          <button type="submit" className={buttonClass("secondary")}>
            Search
          </button>
        </form>
        {rows.length === 0 ? (
          <EmptyState title="No users match" />
        ) : (
          <table className="min-w-full divide-y divide-slate-200">
            <thead className="bg-slate-50">
              <tr>
                <th scope="col" className={th}>
                  User
                </th>
                <th scope="col" className={th}>
                  Source
                </th>
                <th scope="col" className={th}>
                  Status
                </th>
                <th scope="col" className={th}>
                  Administrator of
                </th>
                <th scope="col" className={th}>
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((u) => {
                const adminOf = u.memberships
                  .filter((m) => m.roles.includes("ORG_ADMIN"))
                  .map((m) => m.organization);
                return (
                  <tr key={u.id} aria-label={u.email}>
                    <td className={td}>
                      <div className="font-medium text-slate-900">{u.name}</div>
                      <div className="text-xs text-slate-500">{u.email}</div>
                    </td>
                    <td className={td}>
                      <Badge tone={u.source === "DIRECTORY" ? "blue" : "gray"}>
                        {SOURCE_LABELS[u.source]}
                      </Badge>
                    </td>
                    <td className={td}>{STATUS_LABELS[u.status]}</td>
                    <td className={td}>
                      <div className="flex flex-wrap gap-1">
                        {u.isPlatformAdmin && (
                          <Badge tone="blue">
                            {u.isBuiltinAdmin ? "Built-in administrator" : "Platform administrator"}
                          </Badge>
                        )}
                        {adminOf.map((o) => (
                          <Badge key={o.id}>{o.name}</Badge>
                        ))}
                        {!u.isPlatformAdmin && adminOf.length === 0 && (
                          <span className="text-slate-400">—</span>
                        )}
                      </div>
                    </td>
                    <td className={`${td} text-right`}>
                      <AdminRoleActions
                        user={{
                          id: u.id,
                          email: u.email,
                          isPlatformAdmin: u.isPlatformAdmin,
                          isBuiltinAdmin: u.isBuiltinAdmin,
                          adminOf: adminOf.map((o) => o.id),
                        }}
                        orgs={orgOptions}
                        isSelf={u.id === actor.id}
                      />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
        <KeysetPagination
          page={page}
          pageSize={pageSize}
          shown={rows.length}
          total={total}
          more={more}
          keys={{ first: rows[0]?.email, last: rows.at(-1)?.email }}
          params={{ q }}
        />
      </Card>
    </>
  );
}
