import type { Metadata } from "next";
import Link from "next/link";
import { requireOrgPage } from "@/lib/auth/session";
import { listOrgUsers } from "@/lib/users/queries";
import { fileTotalsByUser } from "@/lib/files/service";
import { formatBytes } from "@/lib/files/schema";
import {
  userListQuerySchema,
  SOURCE_LABELS,
  STATUS_LABELS,
  USER_SOURCES,
  USER_STATUSES,
} from "@/lib/users/schema";
import { ROLE_LABELS } from "@/lib/auth/permissions";
import {
  Badge,
  Card,
  EmptyState,
  FilterSelect,
  KeysetPagination,
  PageHeader,
  td,
  th,
} from "@/components/ui/misc";
import { inputClass } from "@/components/ui/field";
import { buttonClass } from "@/components/ui/button";
import { CreateUserButton } from "@/components/users/create-user-dialog";
import { UserRowActions } from "@/components/users/user-row-actions";

export const metadata: Metadata = { title: "Users" };

const STATUS_TONE = { ACTIVE: "green", DISABLED: "red", PENDING_TRANSFER: "amber" } as const;

export default async function OrgUsersPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const { slug } = await params;
  const { org, user } = await requireOrgPage(slug, "users:manage");
  const raw = await searchParams;
  const query = userListQuerySchema.parse(raw);
  const { total, pageSize, rows, more } = await listOrgUsers(org.id, query);
  // Counts and sizes of the files each user owns in this organisation; never their contents.
  const files = await fileTotalsByUser(
    org.id,
    rows.map((r) => r.user.id),
  );
  const filtered = Boolean(query.q || query.source || query.status);

  return (
    <>
      <PageHeader
        title="Users"
        description={
          `Everyone in ${org.name}. Directory users come from the organisation's LDAP connections; ` +
          "their fields are managed in the directory."
        }
        actions={<CreateUserButton slug={org.slug} />}
      />
      <Card>
        <form
          role="search"
          className="flex flex-wrap items-end gap-3 border-b border-slate-200 p-4"
          method="get"
        >
          <div className="min-w-64 flex-1">
            <label htmlFor="q" className="mb-1 block text-xs font-medium text-slate-600">
              Search
            </label>
            <input
              id="q"
              name="q"
              defaultValue={query.q}
              placeholder="Name, email or account name"
              className={inputClass}
            />
          </div>
          <FilterSelect
            name="source"
            label="Source"
            allLabel="All sources"
            value={query.source}
            options={USER_SOURCES.map((s) => ({ value: s, label: SOURCE_LABELS[s] }))}
          />
          <FilterSelect
            name="status"
            label="Status"
            allLabel="All statuses"
            value={query.status}
            options={USER_STATUSES.map((s) => ({ value: s, label: STATUS_LABELS[s] }))}
          />
          <button type="submit" className={buttonClass("secondary")}>
            Apply
          </button>
        </form>
        {rows.length === 0 ? (
          <UsersEmptyState slug={org.slug} filtered={filtered} total={total.count} />
        ) : (
          <div className="overflow-x-auto">
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
                    Roles
                  </th>
                  <th scope="col" className={th}>
                    Plan
                  </th>
                  <th scope="col" className={`${th} text-right`}>
                    Files
                  </th>
                  <th scope="col" className={th}>
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {rows.map(({ user: u, roles, plan, status: membershipStatus, ownsAccount, outside }) => (
                  <tr key={u.id} aria-label={u.email}>
                    <td className={td}>
                      <div className="font-medium text-slate-900">
                        <Link className="hover:underline" href={`/org/${org.slug}/users/${u.id}`}>
                          {u.name}
                        </Link>
                      </div>
                      <div className="text-xs text-slate-500">
                        {u.email}
                        {u.accountName ? ` · ${u.accountName}` : ""}
                      </div>
                    </td>
                    <td className={td}>
                      {outside ? (
                        <Badge tone="gray">Outside this organisation</Badge>
                      ) : (
                        <Badge tone={u.source === "DIRECTORY" ? "blue" : "gray"}>
                          {SOURCE_LABELS[u.source]}
                        </Badge>
                      )}
                    </td>
                    <td className={td}>
                      {!outside && <Badge tone={STATUS_TONE[u.status]}>{STATUS_LABELS[u.status]}</Badge>}
                      {membershipStatus === "DISABLED" && (
                        <div className="mt-1">
                          <Badge tone="red">Disabled in this organisation</Badge>
                        </div>
                      )}
                    </td>
                    <td className={td}>
                      <div className="flex flex-wrap gap-1">
                        {roles.map((r) => (
                          <Badge key={r} tone={r === "ORG_ADMIN" ? "blue" : "gray"}>
                            {ROLE_LABELS[r]}
                          </Badge>
                        ))}
                        {u.isPlatformAdmin && <Badge tone="blue">Platform administrator</Badge>}
                      </div>
                    </td>
                    <td className={td}>{plan.name}</td>
                    <td className={`${td} text-right tabular-nums`}>
                      {files.get(u.id)?.count ?? 0}
                      {files.get(u.id) && (
                        <div className="text-xs text-slate-500">{formatBytes(files.get(u.id)!.bytes)}</div>
                      )}
                    </td>
                    <td className={`${td} text-right`}>
                      <UserRowActions
                        slug={org.slug}
                        user={{
                          id: u.id,
                          email: u.email,
                          source: u.source,
                          status: u.status,
                          membershipStatus,
                          ownsAccount,
                          roles,
                        }}
                        isSelf={u.id === user.id}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <KeysetPagination
          page={query.page}
          pageSize={pageSize}
          shown={rows.length}
          total={total}
          more={more}
          keys={{ first: rows[0]?.user.email, last: rows.at(-1)?.user.email }}
          params={{ q: query.q, source: query.source, status: query.status }}
        />
      </Card>
    </>
  );
}

/** Nothing to show: no people yet, none matching the filters, or a page past the end of the list. */
function UsersEmptyState({ slug, filtered, total }: { slug: string; filtered: boolean; total: number }) {
  if (total > 0)
    return (
      <EmptyState title="Nothing on this page">
        The list ends before this page.{" "}
        <Link className="font-medium text-blue-700 hover:underline" href={`/org/${slug}/users`}>
          Go to the first page
        </Link>
        .
      </EmptyState>
    );
  return (
    <EmptyState title={filtered ? "No users match" : "No users yet"}>
      {filtered
        ? "No one matches this search and these filters: try another search or clear the filters."
        : "Create a local account, or add an LDAP connection to bring in your directory's users."}
    </EmptyState>
  );
}
