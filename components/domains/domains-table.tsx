"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { toast } from "sonner";
import { Plus } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { TextInput } from "@/components/ui/field";
import { Badge, Card, EmptyState, td, th } from "@/components/ui/misc";
import { applyResult } from "@/components/ui/apply-result";
import { DIRECTORY_TYPE_LABELS, domainNameSchema } from "@/lib/domains/schema";
import { createDomainAction } from "@/app/(console)/org/[slug]/domains/actions";
import { VerificationBadge, type VerificationState } from "@/components/domains/verification-panel";

type Row = {
  id: string;
  name: string;
  mappingEnabled: boolean;
  directoryType: string | null;
  kerberosRealm: string | null;
  ntDomain: string | null;
  users: number;
} & VerificationState;
const COLUMNS = [
  { key: "verification", label: "Verification" },
  { key: "type", label: "Directory service" },
  { key: "mapping", label: "Mapping" },
  { key: "kerberos", label: "Kerberos realm" },
  { key: "nt", label: "Windows NT domain" },
  { key: "users", label: "Mapped users" },
] as const;
type Col = (typeof COLUMNS)[number]["key"];

export function AddDomainButton({ slug }: { slug: string }) {
  const [open, setOpen] = useState(false);
  const router = useRouter();
  const form = useForm<{ name: string }>({
    resolver: zodResolver(domainNameSchema),
    defaultValues: { name: "" },
  });
  return (
    <>
      <Button
        onClick={() => {
          form.reset({ name: "" });
          setOpen(true);
        }}
      >
        <Plus className="size-4" /> Add domain
      </Button>
      <Dialog open={open} onOpenChange={setOpen} title="Add domain">
        <form
          noValidate
          className="space-y-4"
          onSubmit={form.handleSubmit(async (values) => {
            const result = await createDomainAction(slug, values);
            if (!applyResult(result, form.setError)) return;
            if (result.ok && result.data.verifiedElsewhere)
              toast.warning(`${values.name} is verified by another organisation: it can't be verified here.`);
            else toast.success(`Domain ${values.name} added`);
            setOpen(false);
            if (result.ok) router.push(`/org/${slug}/domains/${result.data.id}`);
          })}
        >
          <TextInput
            label="Domain name"
            placeholder="corp.example.com"
            error={form.formState.errors.name?.message}
            {...form.register("name")}
          />
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button type="submit">Add</Button>
          </div>
        </form>
      </Dialog>
    </>
  );
}

export function DomainsTable({ slug, domains }: { slug: string; domains: Row[] }) {
  const [shown, setShown] = useState<Set<Col>>(new Set(["verification", "type", "mapping", "users"]));
  const toggle = (c: Col) =>
    setShown((s) => {
      const n = new Set(s);
      if (n.has(c)) n.delete(c);
      else n.add(c);
      return n;
    });
  if (domains.length === 0)
    return (
      <Card>
        <EmptyState title="No domains yet">
          Add your organisation&apos;s domain, then map its users from your directory service.
        </EmptyState>
      </Card>
    );
  return (
    <Card>
      <fieldset className="flex flex-wrap gap-4 border-b border-slate-200 px-4 py-3 text-sm">
        <legend className="sr-only">Columns</legend>
        <span className="font-medium text-slate-600">Columns:</span>
        {COLUMNS.map((c) => (
          <label key={c.key} className="flex items-center gap-1.5">
            <input type="checkbox" checked={shown.has(c.key)} onChange={() => toggle(c.key)} /> {c.label}
          </label>
        ))}
      </fieldset>
      <table className="min-w-full divide-y divide-slate-200">
        <thead className="bg-slate-50">
          <tr>
            <th scope="col" className={th}>
              Domain
            </th>
            {COLUMNS.filter((c) => shown.has(c.key)).map((c) => (
              <th key={c.key} scope="col" className={th}>
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {domains.map((d) => (
            <tr key={d.id} aria-label={d.name}>
              <td className={`${td} font-medium`}>
                <Link className="text-brand-700 hover:underline" href={`/org/${slug}/domains/${d.id}`}>
                  {d.name}
                </Link>
              </td>
              {shown.has("verification") && (
                <td className={td}>
                  <VerificationBadge domain={d} />
                </td>
              )}
              {shown.has("type") && (
                <td className={td}>
                  {d.directoryType
                    ? (DIRECTORY_TYPE_LABELS[d.directoryType as keyof typeof DIRECTORY_TYPE_LABELS] ??
                      d.directoryType)
                    : "—"}
                </td>
              )}
              {shown.has("mapping") && (
                <td className={td}>
                  {d.mappingEnabled ? <Badge tone="green">On</Badge> : <Badge>Off</Badge>}
                </td>
              )}
              {shown.has("kerberos") && (
                <td className={`${td} font-mono text-xs`}>{d.kerberosRealm ?? "—"}</td>
              )}
              {shown.has("nt") && <td className={td}>{d.ntDomain ?? "—"}</td>}
              {shown.has("users") && <td className={`${td} tabular-nums`}>{d.users}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}
