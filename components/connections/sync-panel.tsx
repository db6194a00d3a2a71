"use client";
import { useCallback, useEffect, useState } from "react";
import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { ConfirmButton, Dialog } from "@/components/ui/dialog";
import { Badge } from "@/components/ui/misc";
import { applyResult } from "@/components/ui/apply-result";
import type { RunView } from "@/lib/sync/queries";
import type { Preview } from "@/lib/sync/service";
import {
  connectionRunsAction,
  previewSyncAction,
  syncNowAction,
} from "@/app/(console)/org/[slug]/ldap/actions";
import { formatTime } from "@/lib/format/time";

const STATUS_TONE = { RUNNING: "blue", SUCCEEDED: "green", FAILED: "red", HELD: "amber" } as const;
const STATUS_LABEL = {
  RUNNING: "Running",
  SUCCEEDED: "Succeeded",
  FAILED: "Failed",
  HELD: "Waiting for confirmation",
} as const;

function time(iso: string | null) {
  return iso ? formatTime(iso, "shortSeconds") : "—";
}

export function SyncProgress({ run, estimate }: { run: RunView; estimate?: number }) {
  const percent = estimate ? Math.min(99, Math.round((run.entriesRead / estimate) * 100)) : undefined;
  return (
    <div className="w-full space-y-1">
      <div
        role="progressbar"
        aria-label="Synchronisation progress"
        aria-valuemin={0}
        aria-valuemax={estimate ?? undefined}
        aria-valuenow={run.entriesRead}
        aria-valuetext={`${run.entriesRead} entries read`}
        className="h-2 overflow-hidden rounded-full bg-slate-200"
      >
        <div
          className={
            "bg-brand-600 h-full rounded-full transition-all " +
            `${percent === undefined ? "w-1/3 animate-pulse" : ""}`
          }
          style={percent !== undefined ? { width: `${Math.max(3, percent)}%` } : undefined}
        />
      </div>
      <p className="text-xs text-slate-600">
        {run.entriesRead.toLocaleString("en")} entries read
        {estimate ? ` of about ${estimate.toLocaleString("en")}` : ""}…
      </p>
    </div>
  );
}

export function RunCounts({
  run,
}: {
  run: Pick<
    RunView,
    "entriesRead" | "created" | "updated" | "unchanged" | "disabled" | "reenabled" | "pendingTransfer"
  >;
}) {
  const counts = [
    `${run.entriesRead} read`,
    `${run.created} created`,
    `${run.updated} updated`,
    `${run.unchanged} unchanged`,
    `${run.disabled} disabled`,
    `${run.pendingTransfer} pending transfer`,
    `${run.reenabled} re-enabled`,
  ];
  return <span className="tabular-nums">{counts.join(" · ")}</span>;
}

export function PreviewView({ preview }: { preview: Preview }) {
  if (preview.status === "FAILED")
    return (
      <p role="alert" className="rounded-md bg-red-50 p-3 text-sm text-red-700">
        The preview could not read the directory: {preview.error}
      </p>
    );
  const plan = preview.plan!;
  const c = preview.counts;
  const wouldDisable = preview.status === "HELD" ? preview.wouldDisable : c.disabled;
  const sections: [string, typeof plan.create][] = [
    ["Would create", plan.create],
    ["Would update", plan.update],
    ["Would disable", plan.disable],
    ["Would mark pending transfer (they own files)", plan.pendingTransfer],
    ["Would re-enable", plan.reenable],
    ["Identity conflicts (nothing changes until an administrator decides)", plan.conflict],
  ];
  return (
    <div className="space-y-3 text-sm" role="region" aria-label="Preview">
      <p className="font-medium">
        This would disable {wouldDisable} users and create {c.created}
        {c.pendingTransfer ? `, mark ${c.pendingTransfer} of them pending transfer` : ""}
        {c.reenabled ? `, re-enable ${c.reenabled}` : ""}; {c.updated} would be updated and {c.unchanged} stay
        unchanged ({c.entriesRead} entries read). Nothing has been written.
      </p>
      {preview.status === "HELD" && (
        <p className="rounded-md bg-amber-50 p-3 text-amber-900">
          {preview.heldReason?.replace(
            "Nothing was disabled: confirm to apply.",
            "A real run would wait for an administrator's confirmation.",
          )}
        </p>
      )}
      {sections
        .filter(([, items]) => items.length > 0)
        .map(([title, items]) => (
          <details key={title} open={items.length <= 10} className="rounded-md ring-1 ring-slate-200">
            <summary className="cursor-pointer px-3 py-2 font-medium">
              {title} ({items.length}
              {items.length >= 500 ? "+" : ""})
            </summary>
            <ul className="max-h-48 divide-y divide-slate-100 overflow-y-auto px-3 text-xs">
              {items.map((i) => (
                <li key={`${title}${i.email}`} className="py-1">
                  <span className="font-medium">{i.name}</span> · {i.email}
                  {i.reason ? <span className="text-slate-500"> — {i.reason}</span> : null}
                </li>
              ))}
            </ul>
          </details>
        ))}
      {preview.warnings.length > 0 && (
        <details className="rounded-md ring-1 ring-amber-200">
          <summary className="cursor-pointer px-3 py-2 font-medium text-amber-900">
            Warnings ({preview.warnings.length})
          </summary>
          <ul className="px-3 pb-2 text-xs text-amber-900">
            {preview.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

export function SyncPanel({
  slug,
  connection,
  initialRunning,
}: {
  slug: string;
  connection: { id: string; name: string; enabled: boolean };
  initialRunning: boolean;
}) {
  const router = useRouter();
  const [runs, setRuns] = useState<RunView[]>();
  const [polling, setPolling] = useState(initialRunning);
  const [historyOpen, setHistoryOpen] = useState(false);
  const [preview, setPreview] = useState<Preview>();
  const [previewing, setPreviewing] = useState(false);

  const load = useCallback(async () => {
    const result = await connectionRunsAction(slug, { connectionId: connection.id });
    if (result.ok) setRuns(result.data);
    return result.ok ? result.data : undefined;
  }, [slug, connection.id]);

  useEffect(() => {
    if (!polling) return;
    let stop = false;
    const tick = async () => {
      const data = await load();
      const latest = data?.[0];
      if (!stop && latest && latest.status !== "RUNNING") {
        setPolling(false);
        router.refresh();
        if (latest.status === "SUCCEEDED")
          toast.success(
            `${connection.name}: synchronised (${latest.entriesRead} read, ${latest.created} ` +
              `created, ${latest.disabled} disabled)`,
          );
        else if (latest.status === "HELD")
          toast.warning(`${connection.name}: waiting for confirmation. ${latest.heldReason ?? ""}`);
        else toast.error(`${connection.name}: synchronisation failed. ${latest.error ?? ""}`);
      }
    };
    // The first read right away (outside the effect's own body), then every second until the run ends.
    const first = setTimeout(() => void tick(), 0);
    const timer = setInterval(() => void tick(), 1000);
    return () => {
      stop = true;
      clearTimeout(first);
      clearInterval(timer);
    };
  }, [polling, load, router, connection.name]);

  const running = runs?.[0]?.status === "RUNNING" ? runs[0] : undefined;
  const estimate = runs?.find((r) => r.status === "SUCCEEDED" && r.kind === "FULL")?.entriesRead;
  const held = runs?.[0]?.status === "HELD" ? runs[0] : undefined;

  async function start(confirm = false) {
    const result = await syncNowAction(slug, { connectionId: connection.id, confirm });
    if (applyResult(result)) {
      setPolling(true);
      void load();
    }
  }

  return (
    <div className="flex w-full flex-col gap-2">
      {polling && running && <SyncProgress run={running} estimate={estimate} />}
      <div className="flex flex-wrap gap-2">
        <Button
          size="sm"
          variant="secondary"
          disabled={!connection.enabled || polling}
          onClick={() => void start()}
          title={connection.enabled ? undefined : "Enable the connection to synchronise it"}
        >
          {polling ? "Synchronising…" : "Sync now"}
        </Button>
        <Button
          size="sm"
          variant="secondary"
          disabled={previewing}
          onClick={async () => {
            setPreviewing(true);
            const result = await previewSyncAction(slug, connection.id, null);
            setPreviewing(false);
            if (result.ok) setPreview(result.data);
            else toast.error(result.error);
          }}
        >
          {previewing ? "Previewing…" : "Preview"}
        </Button>
        <Button
          size="sm"
          variant="secondary"
          onClick={() => {
            setHistoryOpen(true);
            void load();
          }}
        >
          History
        </Button>
      </div>
      <Dialog
        open={Boolean(preview)}
        onOpenChange={(o) => !o && setPreview(undefined)}
        wide
        title={`Preview of ${connection.name}`}
        description="What a synchronisation would do now, with the users named. Nothing is written."
      >
        {preview && <PreviewView preview={preview} />}
      </Dialog>
      <Dialog
        open={historyOpen}
        onOpenChange={setHistoryOpen}
        wide
        title={`Sync history of ${connection.name}`}
      >
        {held && (
          <div className="mb-4 rounded-md bg-amber-50 p-3 text-sm text-amber-900 ring-1 ring-amber-200">
            <p className="font-medium">The last run is waiting for confirmation.</p>
            <p className="mt-1">{held.heldReason}</p>
            <div className="mt-2">
              <ConfirmButton
                label="Review and confirm"
                variant="danger"
                title="Apply the held synchronisation?"
                description={
                  "A new full read of the directory runs, and the users it finds disabled or gone are " +
                  "disabled (or marked pending transfer if they own files), above the threshold."
                }
                confirmLabel="Confirm and synchronise"
                onConfirm={async () => {
                  setHistoryOpen(false);
                  await start(true);
                }}
              />
            </div>
          </div>
        )}
        {!runs ? (
          <p className="text-sm text-slate-500">Loading…</p>
        ) : runs.length === 0 ? (
          <p className="text-sm text-slate-500">No synchronisation has run yet.</p>
        ) : (
          <div className="max-h-[60vh] overflow-auto">
            <table className="min-w-full text-xs">
              <thead>
                <tr className="text-left text-slate-500">
                  <th className="py-1 pr-3">Started (UTC)</th>
                  <th className="py-1 pr-3">Trigger</th>
                  <th className="py-1 pr-3">Kind</th>
                  <th className="py-1 pr-3">Status</th>
                  <th className="py-1 pr-3">Counts</th>
                  <th className="py-1">Ended</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {runs.map((r) => (
                  <tr key={r.id} className="align-top">
                    <td className="py-1.5 pr-3 whitespace-nowrap">{time(r.startedAt)}</td>
                    <td className="py-1.5 pr-3">{r.trigger.toLowerCase()}</td>
                    <td className="py-1.5 pr-3">{r.kind.toLowerCase()}</td>
                    <td className="py-1.5 pr-3">
                      <Badge tone={STATUS_TONE[r.status]}>{STATUS_LABEL[r.status]}</Badge>
                    </td>
                    <td className="py-1.5 pr-3">
                      <RunCounts run={r} />
                      {r.error && <p className="text-red-700">{r.error}</p>}
                      {r.heldReason && <p className="text-amber-800">{r.heldReason}</p>}
                      {r.warnings.length > 0 && (
                        <details>
                          <summary className="cursor-pointer text-amber-800">
                            {r.warnings.length} warnings
                          </summary>
                          <ul>
                            {r.warnings.map((w, i) => (
                              <li key={i}>{w}</li>
                            ))}
                          </ul>
                        </details>
                      )}
                    </td>
                    <td className="py-1.5 whitespace-nowrap">{time(r.finishedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Dialog>
    </div>
  );
}
