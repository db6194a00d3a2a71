"use client";
import { useState } from "react";
import { useForm, useWatch, type UseFormRegisterReturn } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { Button } from "@/components/ui/button";
import { FormError, inputClass } from "@/components/ui/field";
import { applyResult } from "@/components/ui/apply-result";
import {
  connectionSchema,
  newConnectionSchema,
  FIELD_HELP,
  TIMEOUT_MAX_MS,
  TIMEOUT_MIN_MS,
  type ConnectionInput,
} from "@/lib/connections/schema";
import {
  DIRECTORY_PRESETS,
  MEMBER_ATTRIBUTES,
  PRESET_LABELS,
  PRESETS,
  type DirectoryPreset,
} from "@/lib/directory/presets";
import { serverUrls } from "@/lib/directory/urls";
import type { TestResult } from "@/lib/directory/test-connection";
import { TestResultPanel } from "@/components/connections/test-result";
import { TestSignInSection } from "@/components/connections/test-sign-in";
import type { SignInTest } from "@/lib/directory/test-sign-in";
import { PreviewView } from "@/components/connections/sync-panel";
import type { Preview } from "@/lib/sync/service";
import type { ActionResult } from "@/lib/action-result";

export const EMPTY_CONNECTION: ConnectionInput = {
  name: "",
  preset: "ACTIVE_DIRECTORY",
  serverUrl: "",
  serverTimeout: 5000,
  managerDn: "",
  managerPassword: "",
  baseDn: "",
  domain: "",
  startTls: false,
  caCertificate: "",
  groupBaseDn: "",
  ...PRESETS.ACTIVE_DIRECTORY,
};

/**
 * A field of seed 004's table: label, input with its maximum length, error, and the seed's help beside it.
 */
function SeedField({
  name,
  register,
  error,
  type = "text",
  placeholder,
  extraHelp,
  textarea,
  optional,
}: {
  name: keyof typeof FIELD_HELP;
  register: UseFormRegisterReturn;
  error?: string;
  type?: string;
  placeholder?: string;
  extraHelp?: string;
  textarea?: boolean;
  /** Not one of seed 004's mandatory fields. */
  optional?: boolean;
}) {
  const meta = FIELD_HELP[name];
  const id = `field-${name}`;
  return (
    <div
      className={
        "grid gap-x-6 gap-y-1 border-t border-slate-100 py-3 " + "md:grid-cols-[minmax(0,1fr)_minmax(0,1fr)]"
      }
    >
      <div className="space-y-1">
        <div className="flex gap-1 text-sm font-medium text-slate-800">
          <label htmlFor={id}>{meta.label}</label>
          {optional ? (
            <span className="font-normal text-slate-500">(optional)</span>
          ) : (
            <span className="text-red-600" aria-hidden="true">
              *
            </span>
          )}
        </div>
        {textarea ? (
          <textarea
            id={id}
            rows={2}
            maxLength={meta.max}
            aria-invalid={error ? true : undefined}
            aria-describedby={`${id}-help`}
            className={`${inputClass} font-mono`}
            {...register}
          />
        ) : (
          <input
            id={id}
            type={type}
            maxLength={meta.max}
            placeholder={placeholder}
            aria-invalid={error ? true : undefined}
            aria-describedby={`${id}-help`}
            className={inputClass}
            autoComplete={type === "password" ? "new-password" : "off"}
            {...register}
          />
        )}
        {error && (
          <p role="alert" className="text-xs font-medium text-red-600">
            {error}
          </p>
        )}
      </div>
      <p id={`${id}-help`} className="text-xs leading-relaxed text-slate-500 md:pt-6">
        {meta.help}
        {meta.max ? <span className="block pt-0.5 text-slate-400">Maximum length: {meta.max}</span> : null}
        {extraHelp ? <span className="block pt-0.5">{extraHelp}</span> : null}
      </p>
    </div>
  );
}

const MEMBER_HELP: Record<(typeof MEMBER_ATTRIBUTES)[number], string> = {
  member: "DNs (Active Directory group, groupOfNames)",
  uniqueMember: "DNs (groupOfUniqueNames)",
  memberUid: "account names (posixGroup, apple-group)",
};

/** The Groups settings: where groups are, which entries they are, where they list their members. */
function GroupFields({
  register,
  errors,
}: {
  register: ReturnType<typeof useForm<ConnectionInput>>["register"];
  errors: ReturnType<typeof useForm<ConnectionInput>>["formState"]["errors"];
}) {
  const members = FIELD_HELP.groupMemberAttributes;
  const membersError = errors.groupMemberAttributes?.message ?? errors.groupMemberAttributes?.root?.message;
  return (
    <fieldset className="mt-4 border-t border-slate-200 pt-3">
      <legend className="text-base font-semibold text-slate-900">Groups</legend>
      <p className="text-xs text-slate-500">
        Groups are read with their members on every full synchronisation, read-only. Nested groups are
        expanded: a member of a group that is itself a member of another belongs to both.
      </p>
      <SeedField
        name="groupBaseDn"
        optional
        placeholder="ou=groups,dc=xy-company,dc=com"
        register={register("groupBaseDn")}
        error={errors.groupBaseDn?.message}
      />
      <SeedField
        name="groupFilter"
        textarea
        register={register("groupFilter")}
        error={errors.groupFilter?.message}
      />
      <div
        className={
          "grid gap-x-6 gap-y-1 border-t border-slate-100 py-3 " +
          "md:grid-cols-[minmax(0,1fr)_minmax(0,1fr)]"
        }
      >
        <fieldset aria-describedby="field-groupMemberAttributes-help">
          <legend className="text-sm font-medium text-slate-800">{members.label}</legend>
          <div className="mt-2 space-y-1 text-sm">
            {MEMBER_ATTRIBUTES.map((a) => (
              <label key={a} className="flex items-center gap-2">
                <input type="checkbox" value={a} {...register("groupMemberAttributes")} />
                <span className="font-mono">{a}</span>
                <span className="text-xs text-slate-500">{MEMBER_HELP[a]}</span>
              </label>
            ))}
          </div>
          {membersError && (
            <p role="alert" className="text-xs font-medium text-red-600">
              {membersError}
            </p>
          )}
        </fieldset>
        <p id="field-groupMemberAttributes-help" className="text-xs leading-relaxed text-slate-500 md:pt-6">
          {members.help}
        </p>
      </div>
    </fieldset>
  );
}

export function ConnectionForm({
  initial,
  editing,
  onSubmit,
  onTest,
  submitLabel,
  onCancel,
  onPreview,
  onTestSignIn,
}: {
  initial: ConnectionInput;
  editing: boolean;
  onSubmit: (values: ConnectionInput) => Promise<ActionResult<unknown>>;
  onTest: (values: ConnectionInput) => Promise<ActionResult<TestResult>>;
  submitLabel: string;
  onCancel?: () => void;
  /** Edit only: what these unsaved settings would do at the next sync. */
  onPreview?: (values: ConnectionInput) => Promise<ActionResult<Preview>>;
  /** Edit only: one person's sign-in through these unsaved settings, step by step. */
  onTestSignIn?: (
    values: ConnectionInput,
    login: string,
    password: string,
  ) => Promise<ActionResult<SignInTest>>;
}) {
  const form = useForm<ConnectionInput>({
    resolver: zodResolver(editing ? connectionSchema : newConnectionSchema),
    defaultValues: initial,
    mode: "onSubmit",
  });
  const { register, handleSubmit, formState, setValue, control } = form;
  const [testing, setTesting] = useState(false);
  const [result, setResult] = useState<TestResult>();
  const [preview, setPreview] = useState<Preview>();
  const [previewing, setPreviewing] = useState(false);
  const [formError, setFormError] = useState<string>();
  const e = formState.errors;
  const serverUrl = useWatch({ control, name: "serverUrl" }) ?? "";

  function applyPreset(preset: DirectoryPreset) {
    for (const [key, value] of Object.entries(PRESETS[preset]))
      setValue(key as keyof ConnectionInput, value, { shouldDirty: true });
  }

  const test = handleSubmit(async (values) => {
    setTesting(true);
    setResult(undefined);
    setFormError(undefined);
    try {
      const response = await onTest(values);
      if (response.ok) setResult(response.data);
      else if (!response.fieldErrors) setFormError(response.error);
      else applyResult(response, form.setError);
    } finally {
      setTesting(false);
    }
  });

  const runPreview = handleSubmit(async (values) => {
    if (!onPreview) return;
    setPreviewing(true);
    setPreview(undefined);
    try {
      const response = await onPreview(values);
      if (response.ok) setPreview(response.data);
      else if (response.fieldErrors) applyResult(response, form.setError);
      else setFormError(response.error);
    } finally {
      setPreviewing(false);
    }
  });

  return (
    <form
      // POST, so that a submit before hydration never puts a password in the URL.
      method="post"
      noValidate
      onSubmit={handleSubmit(async (values) => {
        setFormError(undefined);
        const response = await onSubmit(values);
        if (response.ok) return;
        if (response.fieldErrors) applyResult(response, form.setError);
        else setFormError(response.error);
      })}
    >
      <FormError message={formError} />
      <div className="grid gap-4 pb-3 md:grid-cols-2">
        <div className="space-y-1">
          <div className="flex gap-1 text-sm font-medium text-slate-800">
            <label htmlFor="field-name">Connection name</label>
            <span className="text-red-600" aria-hidden="true">
              *
            </span>
          </div>
          <input
            id="field-name"
            maxLength={64}
            className={inputClass}
            aria-invalid={e.name ? true : undefined}
            {...register("name")}
          />
          {e.name && (
            <p role="alert" className="text-xs font-medium text-red-600">
              {e.name.message}
            </p>
          )}
        </div>
        <div className="space-y-1">
          <label htmlFor="field-preset" className="block text-sm font-medium text-slate-800">
            Directory type
          </label>
          <select
            id="field-preset"
            className={inputClass}
            {...register("preset", { onChange: (ev) => applyPreset(ev.target.value as DirectoryPreset) })}
          >
            {DIRECTORY_PRESETS.map((p) => (
              <option key={p} value={p}>
                {PRESET_LABELS[p]}
              </option>
            ))}
          </select>
          <p className="text-xs text-slate-500">
            Fills the filters and field names with this product&apos;s usual values; change any of them
            afterwards.
          </p>
        </div>
      </div>

      <SeedField
        name="serverUrl"
        placeholder="ldaps://dc1.corp.example.com"
        register={register("serverUrl")}
        error={e.serverUrl?.message}
        extraHelp="Active Directory's Global Catalog answers on 3268 (3269 with TLS)."
      />
      <div className="flex flex-wrap gap-6 border-t border-slate-100 py-3 text-sm">
        <label className="flex items-center gap-2">
          <input
            type="checkbox"
            className="size-4 rounded border-slate-300"
            disabled={serverUrls(serverUrl).some((u) => u.toLowerCase().startsWith("ldaps:"))}
            {...register("startTls")}
          />
          StartTLS{" "}
          <span className="text-xs text-slate-500">(encrypt an ldap:// connection before signing in)</span>
        </label>
        {e.startTls && (
          <p role="alert" className="text-xs font-medium text-red-600">
            {e.startTls.message}
          </p>
        )}
      </div>
      <div className="space-y-1 border-t border-slate-100 py-3">
        <label htmlFor="field-ca" className="block text-sm font-medium text-slate-800">
          CA certificate <span className="font-normal text-slate-500">(optional, PEM)</span>
        </label>
        <textarea
          id="field-ca"
          rows={3}
          placeholder="-----BEGIN CERTIFICATE-----"
          className={`${inputClass} font-mono text-xs`}
          aria-invalid={e.caCertificate ? true : undefined}
          {...register("caCertificate")}
        />
        {e.caCertificate && (
          <p role="alert" className="text-xs font-medium text-red-600">
            {e.caCertificate.message}
          </p>
        )}
        <p className="text-xs text-slate-500">
          Trusted in addition to the system&apos;s authorities, for ldaps:// and StartTLS.
        </p>
      </div>
      <SeedField
        name="serverTimeout"
        type="number"
        register={register("serverTimeout")}
        error={e.serverTimeout?.message}
        extraHelp={`Between ${TIMEOUT_MIN_MS} and ${TIMEOUT_MAX_MS} ms.`}
      />
      <SeedField
        name="managerDn"
        placeholder="CN=svc-console,OU=Service Accounts,DC=corp,DC=example,DC=com"
        register={register("managerDn")}
        error={e.managerDn?.message}
      />
      <SeedField
        name="managerPassword"
        type="password"
        register={register("managerPassword")}
        error={e.managerPassword?.message}
        extraHelp={
          editing
            ? "Leave empty to keep the stored password. It is stored encrypted and never shown again."
            : "Stored encrypted; never shown again."
        }
      />
      <SeedField
        name="baseDn"
        placeholder="ou=users,dc=xy-company,dc=com"
        register={register("baseDn")}
        error={e.baseDn?.message}
      />
      <SeedField name="syncFilter" textarea register={register("syncFilter")} error={e.syncFilter?.message} />
      <SeedField name="authFilter" register={register("authFilter")} error={e.authFilter?.message} />
      <SeedField
        name="domain"
        placeholder="corp.example.com"
        register={register("domain")}
        error={e.domain?.message}
      />
      <SeedField
        name="accountNameField"
        register={register("accountNameField")}
        error={e.accountNameField?.message}
      />
      <SeedField name="emailField" register={register("emailField")} error={e.emailField?.message} />
      <SeedField
        name="userPrincipalNameField"
        register={register("userPrincipalNameField")}
        error={e.userPrincipalNameField?.message}
      />
      <SeedField name="fullNameField" register={register("fullNameField")} error={e.fullNameField?.message} />
      <SeedField name="statusField" register={register("statusField")} error={e.statusField?.message} />
      <SeedField
        name="statusDisabled"
        register={register("statusDisabled")}
        error={e.statusDisabled?.message}
      />
      <fieldset className="border-t border-slate-100 py-3">
        <legend className="text-sm font-medium text-slate-800">
          Status disabled matches when the Status field…
        </legend>
        <div className="mt-2 flex flex-wrap gap-6 text-sm">
          <label className="flex items-center gap-2">
            <input type="radio" value="EQUALS" {...register("statusDisabledMode")} /> equals the value
          </label>
          <label className="flex items-center gap-2">
            <input type="radio" value="BIT_SET" {...register("statusDisabledMode")} /> has the value&apos;s
            bit set (Active Directory userAccountControl: 514 and 66050 are both disabled)
          </label>
        </div>
      </fieldset>

      <GroupFields register={register} errors={e} />

      {result && (
        <div className="mt-2">
          <TestResultPanel result={result} />
        </div>
      )}
      {preview && (
        <div className="mt-3 rounded-md bg-slate-50 p-4 ring-1 ring-slate-200">
          <PreviewView preview={preview} />
        </div>
      )}

      {onTestSignIn && (
        <TestSignInSection
          run={async (login, password) => {
            let response: ActionResult<SignInTest> | undefined;
            await handleSubmit(async (values) => {
              response = await onTestSignIn(values, login, password);
            })();
            return response;
          }}
        />
      )}

      <div
        className={
          "sticky bottom-0 mt-4 flex flex-wrap justify-end gap-2 " + "border-t border-slate-200 bg-white pt-4"
        }
      >
        {onCancel && (
          <Button variant="secondary" onClick={onCancel}>
            Cancel
          </Button>
        )}
        <Button variant="secondary" onClick={() => void test()} disabled={testing}>
          {testing ? "Testing…" : "Test connection"}
        </Button>
        {onPreview && (
          <Button variant="secondary" onClick={() => void runPreview()} disabled={previewing}>
            {previewing ? "Previewing…" : "Preview impact"}
          </Button>
        )}
        <Button type="submit" disabled={formState.isSubmitting}>
          {formState.isSubmitting ? "Saving…" : submitLabel}
        </Button>
      </div>
    </form>
  );
}
