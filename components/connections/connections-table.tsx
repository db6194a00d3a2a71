"use client";
import { useState, useTransition } from "react";
import { toast } from "sonner";
import { ArrowDown, ArrowUp, Server } from "lucide-react";
import { Button } from "@/components/ui/button";
import { ConfirmButton, Dialog } from "@/components/ui/dialog";
import { Badge, Card, EmptyState } from "@/components/ui/misc";
import { applyResult } from "@/components/ui/apply-result";
import { TestResultPanel } from "@/components/connections/test-result";
import { EditConnectionButton } from "@/components/connections/connection-dialogs";
import { SyncPanel } from "@/components/connections/sync-panel";
import { SyncSettingsButton } from "@/components/connections/sync-settings";
import { PRESET_LABELS, groupSettings } from "@/lib/directory/presets";
import type { TestResult } from "@/lib/directory/test-connection";
import type { ConnectionRow } from "@/lib/connections/queries";
import type { LastRun } from "@/lib/sync/queries";
import {
  deleteConnectionAction,
  moveConnectionAction,
  setConnectionEnabledAction,
  testStoredConnectionAction,
} from "@/app/(console)/org/[slug]/ldap/actions";
import { formatUtc } from "@/lib/format/time";

// What the LDAP Connections page passes: the query's rows with dates as ISO strings and the last run.
type Row = Omit<ConnectionRow, "_count" | "lastSyncAt" | "nextSyncAt" | "createdAt"> & {
  userCount: number;
  lastSyncAt: string | null;
  nextSyncAt: string | null;
  lastRun?: LastRun;
};

const RUN_TONE: Record<string, "green" | "red" | "amber" | "blue"> = {
  SUCCEEDED: "green",
  FAILED: "red",
  HELD: "amber",
  RUNNING: "blue",
};
const RUN_LABEL: Record<string, string> = {
  SUCCEEDED: "succeeded",
  FAILED: "failed",
  HELD: "waiting for confirmation",
  RUNNING: "running",
};

/** Seed 004: the green Enabled / red Disabled button on the left; one click flips it. */
function EnabledToggle({ slug, row }: { slug: string; row: Row }) {
  const [pending, start] = useTransition();
  return (
    <button
      type="button"
      role="switch"
      aria-checked={row.enabled}
      aria-label={`${row.name}: ${row.enabled ? "Enabled" : "Disabled"}`}
      title={
        row.enabled
          ? "Click to disable: synchronisation stops; its users can still sign in with their " +
            "directory password."
          : "Click to enable: synchronisation starts at the next run."
      }
      disabled={pending}
      onClick={() =>
        start(async () => {
          const result = await setConnectionEnabledAction(slug, {
            connectionId: row.id,
            enabled: !row.enabled,
          });
          if (applyResult(result)) {
            toast.success(
              row.enabled
                ? `${row.name} disabled: no more synchronisation; its users can still sign in.`
                : `${row.name} enabled: it is synchronised from the next run.`,
            );
          }
        })
      }
      className={
        "w-24 rounded-md px-2 py-1.5 text-xs font-semibold text-white shadow-xs transition-colors " +
        "disabled:opacity-60 " +
        `${row.enabled ? "bg-green-600 hover:bg-green-700" : "bg-red-600 hover:bg-red-700"}`
      }
    >
      {row.enabled ? "Enabled" : "Disabled"}
    </button>
  );
}

function TestButton({ slug, row }: { slug: string; row: Row }) {
  const [result, setResult] = useState<TestResult>();
  const [pending, setPending] = useState(false);
  return (
    <>
      <Button
        size="sm"
        variant="secondary"
        disabled={pending}
        onClick={async () => {
          setPending(true);
          const response = await testStoredConnectionAction(slug, { connectionId: row.id });
          setPending(false);
          if (response.ok) setResult(response.data);
          else toast.error(response.error);
        }}
      >
        {pending ? "Testing…" : "Test connection"}
      </Button>
      <Dialog
        open={Boolean(result)}
        onOpenChange={(o) => !o && setResult(undefined)}
        wide
        title={`Test of ${row.name}`}
      >
        {result && <TestResultPanel result={result} />}
      </Dialog>
    </>
  );
}

function when(iso: string | null) {
  return iso ? formatUtc(iso, "short") : "—";
}

function lastRunSummary(run: NonNullable<Row["lastRun"]>, userCount: number) {
  return (
    `${when(run.startedAt)} · ${run.entriesRead} read, ${run.created} created, ${run.updated} updated, ` +
    `${run.disabled} disabled, ${run.pendingTransfer} pending transfer · ${userCount} users`
  );
}

export function ConnectionsTable({ slug, connections }: { slug: string; connections: Row[] }) {
  if (connections.length === 0) {
    return (
      <Card>
        <EmptyState title="No LDAP connections yet">
          <Server className="mx-auto my-3 size-8 text-slate-300" aria-hidden="true" />
          An LDAP connection brings the users of one of your directories (Active Directory, OpenLDAP, Open
          Directory, 389 / FreeIPA) into this organisation, keeps them in step every few minutes, and lets
          them sign in with their directory password. Add one, or send a link to the person who knows your
          directory.
        </EmptyState>
      </Card>
    );
  }
  return (
    <Card>
      <ol
        aria-label="LDAP connections, in the order sign-in tries them"
        className="divide-y divide-slate-100"
      >
        {connections.map((row, index) => (
          <li key={row.id} aria-label={row.name} className="flex flex-wrap items-center gap-4 px-4 py-4">
            <EnabledToggle slug={slug} row={row} />
            <div className="min-w-64 flex-1">
              <div className="flex flex-wrap items-center gap-2">
                <span className="font-semibold text-slate-900">{row.name}</span>
                <Badge>{PRESET_LABELS[row.preset]}</Badge>
                {row.awaitingReview && <Badge tone="amber">Awaiting review</Badge>}
              </div>
              <dl className="mt-1 grid grid-cols-[auto_1fr] gap-x-3 text-xs text-slate-600">
                <dt className="text-slate-400">Server</dt>
                <dd className="font-mono">
                  {row.serverUrl}
                  {row.startTls ? " (StartTLS)" : ""}
                </dd>
                <dt className="text-slate-400">Base DN</dt>
                <dd className="font-mono">{row.baseDn}</dd>
                <dt className="text-slate-400">Domain</dt>
                <dd>{row.domain}</dd>
                <dt className="text-slate-400">Last sync</dt>
                <dd>
                  {row.lastRun ? (
                    <span className="flex flex-wrap items-center gap-1.5">
                      <Badge tone={RUN_TONE[row.lastRun.status] ?? "gray"}>
                        {RUN_LABEL[row.lastRun.status] ?? row.lastRun.status}
                      </Badge>
                      {lastRunSummary(row.lastRun, row.userCount)}
                    </span>
                  ) : (
                    "not synchronised yet"
                  )}
                </dd>
                <dt className="text-slate-400">Next sync</dt>
                <dd>
                  {row.enabled
                    ? row.nextSyncAt
                      ? when(row.nextSyncAt)
                      : `within ${row.syncIntervalMinutes} minutes`
                    : "none while disabled"}
                </dd>
              </dl>
            </div>
            <div className="w-full md:w-auto md:min-w-72">
              <SyncPanel
                slug={slug}
                connection={{ id: row.id, name: row.name, enabled: row.enabled }}
                initialRunning={row.lastRun?.status === "RUNNING"}
              />
            </div>
            <div className="flex flex-wrap items-center gap-2">
              <TestButton slug={slug} row={row} />
              <EditConnectionButton
                slug={slug}
                connectionId={row.id}
                initial={{
                  ...row,
                  caCertificate: row.caCertificate ?? "",
                  managerPassword: "",
                  // Blank stored group settings are the preset's defaults: the form shows them.
                  groupFilter: groupSettings(row).filter,
                  groupMemberAttributes: groupSettings(row).memberAttributes,
                }}
              />
              <SyncSettingsButton
                slug={slug}
                connectionId={row.id}
                name={row.name}
                initial={{
                  syncIntervalMinutes: row.syncIntervalMinutes,
                  fullSyncIntervalMinutes: row.fullSyncIntervalMinutes,
                  disableThresholdPercent: row.disableThresholdPercent,
                  disableThresholdCount: row.disableThresholdCount,
                  debugLogging: row.debugLogging,
                }}
              />
              <ConfirmButton
                label="Delete"
                variant="danger"
                title={`Delete ${row.name}?`}
                description={
                  <>
                    The connection and its settings are removed. Its {row.userCount} users stay in the console
                    but are no longer synchronised; they cannot sign in with their directory password until a
                    connection to their directory exists again.
                  </>
                }
                confirmLabel="Delete connection"
                onConfirm={async () => {
                  if (applyResult(await deleteConnectionAction(slug, { connectionId: row.id })))
                    toast.success(`${row.name} deleted`);
                }}
              />
              <div className="flex flex-col">
                <Button
                  size="sm"
                  variant="ghost"
                  aria-label={`Move ${row.name} up`}
                  disabled={index === 0}
                  onClick={async () => {
                    applyResult(await moveConnectionAction(slug, { connectionId: row.id, direction: "up" }));
                  }}
                >
                  <ArrowUp className="size-3.5" />
                </Button>
                <Button
                  size="sm"
                  variant="ghost"
                  aria-label={`Move ${row.name} down`}
                  disabled={index === connections.length - 1}
                  onClick={async () => {
                    applyResult(
                      await moveConnectionAction(slug, { connectionId: row.id, direction: "down" }),
                    );
                  }}
                >
                  <ArrowDown className="size-3.5" />
                </Button>
              </div>
            </div>
          </li>
        ))}
      </ol>
      <p className="border-t border-slate-100 px-4 py-2 text-xs text-slate-500">
        The order decides which connection a sign-in tries first, and which directory wins when two hold the
        same email.
      </p>
    </Card>
  );
}
