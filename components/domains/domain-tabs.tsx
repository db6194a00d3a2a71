"use client";
import { useRouter } from "next/navigation";
import { useRef, useState, type KeyboardEvent } from "react";
import { useForm, useWatch } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { toast } from "sonner";
import { Button, buttonClass } from "@/components/ui/button";
import { ConfirmButton } from "@/components/ui/dialog";
import { FormError, SelectInput, TextInput } from "@/components/ui/field";
import { Badge, Card } from "@/components/ui/misc";
import { applyResult } from "@/components/ui/apply-result";
import { TestResultPanel } from "@/components/connections/test-result";
import {
  advancedSchema,
  directoryServiceSchema,
  domainNameSchema,
  isIpAddress,
  type AdvancedInput,
  type DirectoryServiceInput,
} from "@/lib/domains/schema";
import type { TestResult } from "@/lib/directory/test-connection";
import { MigrationPanel } from "@/components/domains/migration-panel";
import { VerificationPanel, type VerificationState } from "@/components/domains/verification-panel";
import {
  deleteDomainAction,
  renameDomainAction,
  saveAdvancedAction,
  saveDirectoryServiceAction,
  testDirectoryServiceAction,
} from "@/app/(console)/org/[slug]/domains/actions";

type Domain = {
  id: string;
  name: string;
  mappingEnabled: boolean;
  directoryType: "ACTIVE_DIRECTORY" | "OPENLDAP" | "OPEN_DIRECTORY" | "DS389" | null;
  hostname: string | null;
  username: string | null;
  useLdaps: boolean;
  kerberosRealm: string | null;
  pamServiceName: string | null;
  ntDomain: string | null;
  bindIpAddress: string | null;
  bindIpApprovedAt: Date | null;
  ntDomainApprovedAt: Date | null;
  connection: {
    id: string;
    name: string;
    users: { id: string; email: string; name: string; status: string }[];
    groups: { id: string; name: string; _count: { members: number } }[];
  } | null;
} & VerificationState;

const TABS = ["General", "Directory Service", "Advanced"] as const;

export function DomainTabs({
  slug,
  domain,
  lockoutRisk,
  record,
  isPlatformAdmin,
}: {
  slug: string;
  domain: Domain;
  lockoutRisk: boolean;
  record: { recordName: string; value: string };
  isPlatformAdmin: boolean;
}) {
  const [tab, setTab] = useState<(typeof TABS)[number]>("General");
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const onKey = (e: KeyboardEvent, i: number) => {
    const next =
      e.key === "ArrowRight"
        ? (i + 1) % TABS.length
        : e.key === "ArrowLeft"
          ? (i + TABS.length - 1) % TABS.length
          : -1;
    if (next >= 0) {
      setTab(TABS[next]);
      refs.current[next]?.focus();
    }
  };
  return (
    <div>
      <div role="tablist" aria-label="Domain settings" className="mb-4 flex gap-1 border-b border-slate-200">
        {TABS.map((t, i) => (
          <button
            key={t}
            ref={(el) => {
              refs.current[i] = el;
            }}
            role="tab"
            id={`tab-${i}`}
            aria-selected={tab === t}
            aria-controls={`panel-${i}`}
            tabIndex={tab === t ? 0 : -1}
            onClick={() => setTab(t)}
            onKeyDown={(e) => onKey(e, i)}
            className={
              "-mb-px border-b-2 px-4 py-2 text-sm font-medium " +
              (tab === t
                ? "border-brand-600 text-brand-700"
                : "border-transparent text-slate-600 hover:text-slate-900")
            }
          >
            {t}
          </button>
        ))}
      </div>
      {TABS.map((t, i) => (
        <div key={t} role="tabpanel" id={`panel-${i}`} aria-labelledby={`tab-${i}`} hidden={tab !== t}>
          {t === "General" && (
            <General slug={slug} domain={domain} record={record} isPlatformAdmin={isPlatformAdmin} />
          )}
          {t === "Directory Service" && (
            <DirectoryService slug={slug} domain={domain} lockoutRisk={lockoutRisk} />
          )}
          {t === "Advanced" && <Advanced slug={slug} domain={domain} />}
        </div>
      ))}
    </div>
  );
}

function General({
  slug,
  domain,
  record,
  isPlatformAdmin,
}: {
  slug: string;
  domain: Domain;
  record: { recordName: string; value: string };
  isPlatformAdmin: boolean;
}) {
  const router = useRouter();
  const form = useForm<{ name: string }>({
    resolver: zodResolver(domainNameSchema),
    defaultValues: { name: domain.name },
  });
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <VerificationPanel slug={slug} domain={domain} record={record} isPlatformAdmin={isPlatformAdmin} />
      <Card className="p-5">
        <form
          noValidate
          className="space-y-4"
          onSubmit={form.handleSubmit(async (v) => {
            if (applyResult(await renameDomainAction(slug, domain.id, v), form.setError))
              toast.success("Domain renamed");
          })}
        >
          <TextInput
            label="Domain name"
            error={form.formState.errors.name?.message}
            {...form.register("name")}
          />
          <div className="flex justify-between">
            <ConfirmButton
              label="Delete domain"
              variant="danger"
              size="md"
              title={`Delete ${domain.name}?`}
              description={
                "The domain and its Advanced settings are removed. Its directory connection, if any, " +
                "stays on the LDAP Connections page."
              }
              confirmLabel="Delete domain"
              onConfirm={async () => {
                if (applyResult(await deleteDomainAction(slug, domain.id))) {
                  toast.success("Domain deleted");
                  router.push(`/org/${slug}/domains`);
                }
              }}
            />
            <Button type="submit">Save</Button>
          </div>
        </form>
      </Card>
      <Card className="p-5">
        <h2 className="text-sm font-semibold">Mapped from the directory</h2>
        <p className="mt-1 text-xs text-slate-500">
          Read-only: mapping is one-way, from the directory to the console.
        </p>
        {!domain.connection ? (
          <p className="mt-3 text-sm text-slate-500">
            Nothing mapped yet: turn on mapping on the Directory Service tab.
          </p>
        ) : (
          <>
            <p className="mt-3 text-xs text-slate-500">Source: {domain.connection.name}</p>
            <h3 className="mt-3 text-sm font-medium">Users ({domain.connection.users.length})</h3>
            <ul className="mt-1 max-h-48 overflow-y-auto text-sm">
              {domain.connection.users.map((u) => (
                <li key={u.id}>
                  {u.name} · <span className="text-slate-500">{u.email}</span>{" "}
                  {u.status !== "ACTIVE" && <Badge tone="red">{u.status.toLowerCase()}</Badge>}
                </li>
              ))}
            </ul>
            <h3 className="mt-3 text-sm font-medium">Groups ({domain.connection.groups.length})</h3>
            <ul className="mt-1 text-sm">
              {domain.connection.groups.map((g) => (
                <li key={g.id}>
                  {g.name} <span className="text-slate-500">({g._count.members} members)</span>
                </li>
              ))}
            </ul>
          </>
        )}
      </Card>
      {domain.connection && <MigrationPanel slug={slug} domainId={domain.id} />}
    </div>
  );
}

function DirectoryService({
  slug,
  domain,
  lockoutRisk,
}: {
  slug: string;
  domain: Domain;
  lockoutRisk: boolean;
}) {
  const initial: DirectoryServiceInput = {
    mappingEnabled: domain.mappingEnabled,
    directoryType: domain.directoryType === "OPEN_DIRECTORY" ? "OPEN_DIRECTORY" : "ACTIVE_DIRECTORY",
    hostname: domain.hostname ?? "",
    username: domain.username ?? "",
    password: "",
    useLdaps: domain.useLdaps,
  };
  const form = useForm<DirectoryServiceInput>({
    resolver: zodResolver(directoryServiceSchema),
    defaultValues: initial,
  });
  const { register, handleSubmit, formState, control, setError } = form;
  const [result, setResult] = useState<TestResult>();
  const [formError, setFormError] = useState<string>();
  const [testing, setTesting] = useState(false);
  const [enabled, ldaps, hostname] = useWatch({ control, name: ["mappingEnabled", "useLdaps", "hostname"] });
  const host = (hostname ?? "").replace(/:\d+$/, "").replace(/^\[|\]$/g, "");
  const e = formState.errors;
  return (
    <Card className="max-w-2xl p-5">
      <p className="mb-4 rounded-md bg-slate-50 p-3 text-xs text-slate-600">
        Mapping is one-way: users and groups come from the directory service; nothing is written to it.
        Accounts added here are local accounts.
      </p>
      {enabled && lockoutRisk && (
        <div
          role="alert"
          className="mb-4 rounded-md bg-amber-50 p-3 text-sm text-amber-900 ring-1 ring-amber-200"
        >
          If the directory server is unavailable, nobody will be able to sign in: this organisation has no
          local administrator and the built-in admin is turned off.
          <a className={`${buttonClass("secondary", "sm")} ml-2`} href={`/org/${slug}/users`}>
            Create a local administrator
          </a>
        </div>
      )}
      <form
        noValidate
        className="space-y-4"
        onSubmit={handleSubmit(async (v) => {
          setFormError(undefined);
          const r = await saveDirectoryServiceAction(slug, domain.id, v);
          if (!r.ok && !r.fieldErrors) {
            setFormError(r.error);
            return;
          }
          if (applyResult(r, setError)) toast.success("Directory service saved");
        })}
      >
        <FormError message={formError} />
        <label className="flex items-center gap-2 text-sm font-medium">
          <input type="checkbox" className="size-4" {...register("mappingEnabled")} /> Map user accounts and
          groups from a directory service
        </label>
        <SelectInput label="Directory service type" disabled={!enabled} {...register("directoryType")}>
          <option value="ACTIVE_DIRECTORY">Microsoft Active Directory</option>
          <option value="OPEN_DIRECTORY">Apple Open Directory</option>
        </SelectInput>
        <TextInput
          label="Hostname"
          disabled={!enabled}
          placeholder="dc1.corp.example.com"
          help="The DNS name or IP address of the directory server; a non-standard port as host:port."
          error={e.hostname?.message}
          {...register("hostname")}
        />
        {enabled && ldaps && isIpAddress(host) && (
          <p role="status" className="text-xs text-amber-800">
            With a secured connection, use the server&apos;s DNS name: its certificate names that, not the IP
            address.
          </p>
        )}
        <TextInput
          label="Username"
          disabled={!enabled}
          help={
            "A directory administrator: user@domain or a DN (Active Directory), a short name or DN " +
            "(Open Directory)."
          }
          error={e.username?.message}
          {...register("username")}
        />
        <TextInput
          label="Password"
          type="password"
          autoComplete="new-password"
          disabled={!enabled}
          help={domain.hostname ? "Leave empty to keep the stored password." : undefined}
          error={e.password?.message}
          {...register("password")}
        />
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" className="size-4" disabled={!enabled} {...register("useLdaps")} /> Enable
          secured connection (LDAPS)
        </label>
        {result && <TestResultPanel result={result} />}
        <div className="flex justify-end gap-2">
          <Button
            variant="secondary"
            disabled={!enabled || testing}
            onClick={handleSubmit(async (v) => {
              setTesting(true);
              setResult(undefined);
              setFormError(undefined);
              const r = await testDirectoryServiceAction(slug, domain.id, v);
              setTesting(false);
              if (r.ok) setResult(r.data);
              else if (r.fieldErrors) applyResult(r, setError);
              else setFormError(r.error);
            })}
          >
            {testing ? "Testing…" : "Test connection"}
          </Button>
          <Button type="submit" disabled={formState.isSubmitting}>
            Save
          </Button>
        </div>
      </form>
    </Card>
  );
}

function Advanced({ slug, domain }: { slug: string; domain: Domain }) {
  const form = useForm<AdvancedInput>({
    resolver: zodResolver(advancedSchema),
    defaultValues: {
      kerberosRealm: domain.kerberosRealm ?? domain.name.toUpperCase(),
      pamServiceName: domain.pamServiceName ?? "",
      ntDomain: domain.ntDomain ?? "",
      bindIpAddress: domain.bindIpAddress ?? "",
    },
  });
  const e = form.formState.errors;
  return (
    <Card className="max-w-2xl p-5">
      <form
        noValidate
        className="space-y-4"
        onSubmit={form.handleSubmit(async (v) => {
          if (applyResult(await saveAdvancedAction(slug, domain.id, v), form.setError))
            toast.success("Advanced settings saved");
        })}
      >
        <TextInput
          label="Kerberos realm"
          help="Your domain name in capitals, set when the domain was added."
          error={e.kerberosRealm?.message}
          {...form.register("kerberosRealm")}
        />
        <TextInput
          label="PAM service name"
          help="Linux installations only."
          error={e.pamServiceName?.message}
          {...form.register("pamServiceName")}
        />
        <TextInput
          label="Windows NT domain"
          help={
            "Lets people sign in as NTDOMAIN\\name, once a platform administrator approved the name for " +
            "this domain. Saving another name needs a new approval."
          }
          error={e.ntDomain?.message}
          {...form.register("ntDomain")}
        />
        <ApprovalStatus
          label="NT domain approval"
          value={domain.ntDomain}
          approvedAt={domain.ntDomainApprovedAt}
        />
        <TextInput
          label="Bind this domain to specific IP address"
          help={
            "People who reach the console on this address sign in with their username alone, once a " +
            "platform administrator approved it. Saving another address needs a new approval."
          }
          error={e.bindIpAddress?.message}
          {...form.register("bindIpAddress")}
        />
        <ApprovalStatus
          label="Bind address approval"
          value={domain.bindIpAddress}
          approvedAt={domain.bindIpApprovedAt}
        />
        <div className="flex justify-end">
          <Button type="submit">Save</Button>
        </div>
      </form>
    </Card>
  );
}

/** Whether a platform administrator approved a first-come sign-in route (an NT name, a bind address). */
function ApprovalStatus({
  label,
  value,
  approvedAt,
}: {
  label: string;
  value: string | null;
  approvedAt: Date | null;
}) {
  if (!value) return null;
  return (
    <p role="status" aria-label={label} className="flex items-center gap-2 text-sm">
      {value}:
      {approvedAt ? (
        <Badge tone="green">Approved</Badge>
      ) : (
        <Badge tone="amber">Waiting for a platform administrator&apos;s approval</Badge>
      )}
    </p>
  );
}
