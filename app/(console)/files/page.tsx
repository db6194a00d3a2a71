import type { Metadata } from "next";
import { requireUser } from "@/lib/auth/session";
import { listFiles } from "@/lib/files/service";
import { formatBytes } from "@/lib/files/schema";
import { Card, EmptyState, PageHeader, td, th } from "@/components/ui/misc";
import { UploadPanel } from "@/components/files/upload-panel";
import { DeleteButton, DownloadLink, RenameButton, ShareButton } from "@/components/files/file-actions";
import { formatUtc } from "@/lib/format/time";

export const metadata: Metadata = { title: "Files" };

const date = (d: Date) => formatUtc(d, "medium");

export default async function FilesPage() {
  const user = await requireUser();
  const { owned, shared, organizations } = await listFiles(user);
  const orgName = new Map(organizations.map((o) => [o.id, o.name]));
  const canShare = new Map(organizations.map((o) => [o.id, o.canShare]));
  const manyOrgs = organizations.length > 1;
  return (
    <>
      <PageHeader
        title="Files"
        description={
          "Your files and the files others share with you. Organisation administrators see how many " +
          "files you have and their size, never their contents."
        }
      />
      {organizations.length === 0 ? (
        <Card>
          <EmptyState title="No organisation">
            You are not a member of any organisation, so you have no files here.
          </EmptyState>
        </Card>
      ) : (
        <div className="space-y-8">
          <Card className="p-5">
            <UploadPanel
              organizations={organizations.map((o) => ({
                slug: o.slug,
                name: o.name,
                plan: o.plan,
                quota: Number(o.quota),
                used: Number(o.used),
                canUpload: o.canUpload,
              }))}
            />
          </Card>

          <section aria-labelledby="my-files">
            <h2 id="my-files" className="mb-3 text-lg font-semibold">
              My files
            </h2>
            <Card>
              {owned.length === 0 ? (
                <EmptyState title="No files yet">
                  Upload a file to keep it here and share it with others.
                </EmptyState>
              ) : (
                <div className="overflow-x-auto">
                  <table className="w-full">
                    <thead className="border-b border-slate-200 bg-slate-50">
                      <tr>
                        <th className={th}>Name</th>
                        {manyOrgs && <th className={th}>Organisation</th>}
                        <th className={th}>Size</th>
                        <th className={th}>Uploaded</th>
                        <th className={th}>Shared with</th>
                        <th className={th}>
                          <span className="sr-only">Actions</span>
                        </th>
                      </tr>
                    </thead>
                    <tbody className="divide-y divide-slate-100">
                      {owned.map((f) => (
                        <tr key={f.id} aria-label={f.name}>
                          <td className={`${td} font-medium text-slate-900`}>{f.name}</td>
                          {manyOrgs && <td className={td}>{orgName.get(f.organizationId)}</td>}
                          <td className={`${td} whitespace-nowrap`}>{formatBytes(f.sizeBytes)}</td>
                          <td className={`${td} whitespace-nowrap`}>{date(f.createdAt)}</td>
                          <td
                            className={`${td} max-w-64 truncate`}
                            title={f.shares.map((s) => s.user.email).join(", ")}
                          >
                            {f.shares.length === 0 ? (
                              <span className="text-slate-400">—</span>
                            ) : f.shares.length > 2 ? (
                              `${f.shares[0].user.email} and ${f.shares.length - 1} more`
                            ) : (
                              f.shares.map((s) => s.user.email).join(", ")
                            )}
                          </td>
                          <td className={`${td} text-right whitespace-nowrap`}>
                            <div className="flex justify-end gap-1.5">
                              <DownloadLink fileId={f.id} name={f.name} />
                              <ShareButton
                                fileId={f.id}
                                name={f.name}
                                canShare={canShare.get(f.organizationId) ?? false}
                                shares={f.shares.map((s) => s.user)}
                              />
                              <RenameButton fileId={f.id} name={f.name} />
                              <DeleteButton fileId={f.id} name={f.name} />
                            </div>
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </Card>
          </section>

          <section aria-labelledby="shared-files">
            <h2 id="shared-files" className="mb-3 text-lg font-semibold">
              Shared with me
            </h2>
            <Card>
              {shared.length === 0 ? (
                <EmptyState title="Nothing shared with you">
                  Files that others share with {user.email} appear here.
                </EmptyState>
              ) : (
                <div className="overflow-x-auto">
                  <table className="w-full">
                    <thead className="border-b border-slate-200 bg-slate-50">
                      <tr>
                        <th className={th}>Name</th>
                        <th className={th}>Owner</th>
                        <th className={th}>Size</th>
                        <th className={th}>Shared</th>
                        <th className={th}>
                          <span className="sr-only">Actions</span>
                        </th>
                      </tr>
                    </thead>
                    <tbody className="divide-y divide-slate-100">
                      {shared.map((f) => (
                        <tr key={f.id} aria-label={f.name}>
                          <td className={`${td} font-medium text-slate-900`}>{f.name}</td>
                          <td className={td}>
                            {f.owner.name} <span className="text-slate-500">({f.owner.email})</span>
                          </td>
                          <td className={`${td} whitespace-nowrap`}>{formatBytes(f.sizeBytes)}</td>
                          <td className={td}>{date(f.sharedAt)}</td>
                          <td className={`${td} text-right`}>
                            <DownloadLink fileId={f.id} name={f.name} />
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </Card>
          </section>
        </div>
      )}
    </>
  );
}
