"use client";
import { useState } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { ConfirmButton } from "@/components/ui/dialog";
import { Card } from "@/components/ui/misc";
import type { MigrationCandidate } from "@/lib/domains/service";
import {
  findMigrationCandidatesAction,
  migrateAccountsAction,
} from "@/app/(console)/org/[slug]/domains/actions";

export function MigrationPanel({ slug, domainId }: { slug: string; domainId: string }) {
  const [candidates, setCandidates] = useState<MigrationCandidate[]>();
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [pending, setPending] = useState(false);
  return (
    <Card className="p-5 lg:col-span-2">
      <h2 className="text-sm font-semibold">
        Migrating user accounts from the local database to the directory service
      </h2>
      <p className="mt-1 text-xs text-slate-500">
        Finds local accounts whose email or account name matches an entry of the directory, and converts the
        ones you choose to directory accounts. Their files, roles and history stay; from then on they sign in
        with their directory password.
      </p>
      <Button
        className="mt-3"
        size="sm"
        variant="secondary"
        disabled={pending}
        onClick={async () => {
          setPending(true);
          const r = await findMigrationCandidatesAction(slug, domainId);
          setPending(false);
          if (!r.ok) {
            toast.error(r.error);
            return;
          }
          setCandidates(r.data);
          setChosen(new Set(r.data.map((c) => c.userId)));
        }}
      >
        {pending ? "Searching…" : "Find local accounts in the directory"}
      </Button>
      {candidates &&
        (candidates.length === 0 ? (
          <p className="mt-3 text-sm text-slate-500">No local account matches an entry of the directory.</p>
        ) : (
          <div className="mt-3">
            <ul aria-label="Accounts to migrate" className="divide-y divide-slate-100 text-sm">
              {candidates.map((c) => (
                <li key={c.userId} className="py-1.5">
                  <label className="flex items-center gap-2">
                    <input
                      type="checkbox"
                      checked={chosen.has(c.userId)}
                      onChange={(e) =>
                        setChosen((s) => {
                          const n = new Set(s);
                          if (e.target.checked) n.add(c.userId);
                          else n.delete(c.userId);
                          return n;
                        })
                      }
                    />
                    <span>
                      <span className="font-medium">{c.email}</span> → {c.dn}{" "}
                      <span className="text-slate-500">
                        (matched by {c.matchedBy}; {c.files} files)
                      </span>
                    </span>
                  </label>
                </li>
              ))}
            </ul>
            <div className="mt-3">
              <ConfirmButton
                label={`Convert ${chosen.size} accounts`}
                variant="primary"
                size="md"
                disabled={chosen.size === 0}
                title={`Convert ${chosen.size} local accounts to directory accounts?`}
                description={
                  "Their local passwords stop working: they sign in with their directory password. " +
                  "Files, roles and history are kept."
                }
                confirmLabel="Convert accounts"
                onConfirm={async () => {
                  const r = await migrateAccountsAction(slug, domainId, { userIds: [...chosen] });
                  if (!r.ok) {
                    toast.error(r.error);
                    return;
                  }
                  toast.success(`${r.data.migrated} accounts now come from the directory`);
                  setCandidates(undefined);
                }}
              />
            </div>
          </div>
        ))}
    </Card>
  );
}
