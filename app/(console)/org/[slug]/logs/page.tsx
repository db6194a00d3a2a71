import type { Metadata } from "next";
import { requireOrgPage } from "@/lib/auth/session";
import { listConnections } from "@/lib/connections/queries";
import { LOG_PAGE_SIZE, listLogs } from "@/lib/logs/queries";
import { LOG_LEVELS, parseLogQuery } from "@/lib/logs/filter";
import { Badge, Card, EmptyState, FilterSelect, PageHeader, Pagination, td, th } from "@/components/ui/misc";
import { inputClass } from "@/components/ui/field";
import { buttonClass } from "@/components/ui/button";
import { formatTimestamp } from "@/lib/format/time";

export const metadata: Metadata = { title: "Debug and Warning logs" };

const TONE = { DEBUG: "gray", INFO: "blue", WARNING: "amber", ERROR: "red" } as const;

export default async function LogsPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { slug } = await params;
  const { org } = await requireOrgPage(slug, "connections:manage");
  const { query: q, error: filterError } = parseLogQuery(await searchParams);
  const [{ total, rows }, connections] = await Promise.all([listLogs(org.id, q), listConnections(org.id)]);
  const filterParams = { level: q.level, connection: q.connection, from: q.from, to: q.to };
  const exportQuery = new URLSearchParams(
    Object.entries(filterParams).filter(([, v]) => v) as [string, string][],
  ).toString();
  return (
    <>
      <PageHeader
        title="Debug and Warning logs"
        description={
          "Everything about your directories: synchronisation results, warnings (such as account " +
          "names that are not ASCII), errors, and, for connections with debug logging on, each LDAP " +
          "operation. Times are UTC."
        }
        actions={
          <a
            className={buttonClass("secondary")}
            href={`/org/${org.slug}/logs/export${exportQuery ? `?${exportQuery}` : ""}`}
            download
          >
            Export CSV
          </a>
        }
      />
      <Card>
        <form
          method="get"
          className="flex flex-wrap items-end gap-3 border-b border-slate-200 p-4"
          aria-label="Filter logs"
        >
          <FilterSelect
            name="level"
            label="Level"
            allLabel="All levels"
            value={q.level}
            options={LOG_LEVELS.map((l) => ({ value: l, label: l.toLowerCase() }))}
          />
          <FilterSelect
            name="connection"
            label="Connection"
            allLabel="All connections"
            value={q.connection}
            options={connections.map((c) => ({ value: c.id, label: c.name }))}
          />
          <div>
            <label htmlFor="from" className="mb-1 block text-xs font-medium text-slate-600">
              From (UTC)
            </label>
            <input
              id="from"
              name="from"
              type="date"
              defaultValue={q.from?.slice(0, 10)}
              className={inputClass}
            />
          </div>
          <div>
            <label htmlFor="to" className="mb-1 block text-xs font-medium text-slate-600">
              To (UTC)
            </label>
            <input id="to" name="to" type="date" defaultValue={q.to?.slice(0, 10)} className={inputClass} />
          </div>
          <button type="submit" className={buttonClass("secondary")}>
            Apply
          </button>
          {filterError && (
            <p role="alert" className="basis-full text-sm text-red-700">
              {filterError} The other filters are applied.
            </p>
          )}
        </form>
        {rows.length === 0 ? (
          <EmptyState title="Nothing logged yet">
            Synchronisations and sign-ins through your directories write here.
          </EmptyState>
        ) : (
          <table className="min-w-full divide-y divide-slate-200">
            <thead className="bg-slate-50">
              <tr>
                <th scope="col" className={th}>
                  Time (UTC)
                </th>
                <th scope="col" className={th}>
                  Level
                </th>
                <th scope="col" className={th}>
                  Connection
                </th>
                <th scope="col" className={th}>
                  Message
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {rows.map((r) => (
                <tr key={r.id}>
                  <td className={`${td} whitespace-nowrap tabular-nums`}>{formatTimestamp(r.createdAt)}</td>
                  <td className={td}>
                    <Badge tone={TONE[r.level]}>{r.level.toLowerCase()}</Badge>
                  </td>
                  <td className={td}>{r.connection?.name ?? "—"}</td>
                  <td className={`${td} max-w-2xl`}>
                    {r.message}
                    {r.details && Object.keys(r.details as object).length > 0 && (
                      <span className="block font-mono text-xs text-slate-500">
                        {JSON.stringify(r.details)}
                      </span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <Pagination page={q.page} pageSize={LOG_PAGE_SIZE} total={total} params={filterParams} />
      </Card>
    </>
  );
}
