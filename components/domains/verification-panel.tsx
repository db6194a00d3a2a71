"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { toast } from "sonner";
import { Copy } from "lucide-react";
import { Button } from "@/components/ui/button";
import { ConfirmButton } from "@/components/ui/dialog";
import { Badge, Card } from "@/components/ui/misc";
import { applyResult } from "@/components/ui/apply-result";
import { revokeVerificationAction, verifyDomainAction } from "@/app/(console)/org/[slug]/domains/actions";
import { approveDomainAction } from "@/app/(console)/admin/domains/actions";

export type VerificationState = {
  verifiedAt: Date | null;
  verificationMethod: "DNS" | "APPROVED" | null;
  verifiedElsewhere: boolean;
};

/** The Verification column's badge and the General tab's heading badge. */
export function VerificationBadge({ domain }: { domain: VerificationState }) {
  if (domain.verifiedAt)
    return <Badge tone="green">{domain.verificationMethod === "DNS" ? "Verified by DNS" : "Approved"}</Badge>;
  if (domain.verifiedElsewhere) return <Badge tone="red">Verified by another organisation</Badge>;
  return <Badge tone="amber">Not verified</Badge>;
}

export const APPROVE_WITHOUT_DNS =
  "For domains without public DNS: the organisation becomes the owner of every address of this domain, " +
  "as if it had published the TXT record. Approve only when you know it holds the domain.";
const REVOKE =
  "This organisation's directories stop creating, linking and signing in accounts of this domain until " +
  "it is verified again.";

// The same text on the server and in the browser, whatever their time zones.
const day = (d: Date) => d.toISOString().slice(0, 10);

const codeClass = "min-w-0 flex-1 rounded bg-slate-50 px-2 py-1.5 text-xs break-all ring-1 ring-slate-200";
const RESULT_TONES = {
  ok: "bg-green-50 text-green-800 ring-green-200",
  notYet: "bg-amber-50 text-amber-900 ring-amber-200",
};

function CopyField({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <p className="text-xs font-medium text-slate-600">{label}</p>
      <div className="mt-1 flex items-center gap-2">
        <code className={codeClass}>{value}</code>
        <Button
          variant="secondary"
          size="sm"
          aria-label={`Copy ${label.toLowerCase()}`}
          onClick={() =>
            navigator.clipboard.writeText(value).then(
              () => toast.success(`${label} copied`),
              () => toast.error("Copying is not allowed here: select the text and copy it yourself."),
            )
          }
        >
          <Copy className="size-3.5" /> Copy
        </Button>
      </div>
    </div>
  );
}

export function VerificationPanel({
  slug,
  domain,
  record,
  isPlatformAdmin,
}: {
  slug: string;
  domain: VerificationState & { id: string; name: string };
  record: { recordName: string; value: string };
  isPlatformAdmin: boolean;
}) {
  const router = useRouter();
  const [result, setResult] = useState<{ verified: boolean; message: string }>();
  const [pending, setPending] = useState(false);
  const verified = domain.verifiedAt !== null;
  return (
    <Card className="p-5 lg:col-span-2">
      <div className="flex flex-wrap items-center gap-2">
        <h2 className="text-sm font-semibold">Verification</h2>
        <VerificationBadge domain={domain} />
      </div>
      <p className="mt-1 text-xs text-slate-500">
        Only a verified domain&apos;s addresses belong to this organisation: sync and sign-in create no
        accounts for the addresses of an unverified domain.
      </p>
      {verified ? (
        <p className="mt-3 text-sm text-slate-700">
          {domain.verificationMethod === "DNS"
            ? `Verified by DNS on ${day(domain.verifiedAt!)}.`
            : `Approved by a platform administrator on ${day(domain.verifiedAt!)}.`}
        </p>
      ) : domain.verifiedElsewhere ? (
        <p role="alert" className="mt-3 text-sm text-red-700">
          {domain.name} is verified by another organisation: it can&apos;t be verified here.
        </p>
      ) : (
        <div className="mt-3 space-y-3">
          <p className="text-sm text-slate-700">
            Publish this TXT record in the public DNS of {domain.name}, then press <em>Verify now</em>.
          </p>
          <CopyField label="Record name" value={record.recordName} />
          <CopyField label="Record value" value={record.value} />
        </div>
      )}
      {result && (
        <p
          role="status"
          aria-label="Verification result"
          className={`mt-3 rounded-md p-3 text-sm ring-1 ${RESULT_TONES[result.verified ? "ok" : "notYet"]}`}
        >
          {result.message}
        </p>
      )}
      <div className="mt-4 flex flex-wrap justify-end gap-2">
        {verified && (
          <ConfirmButton
            label="Revoke verification"
            size="md"
            title={`Revoke the verification of ${domain.name}?`}
            description={REVOKE}
            confirmLabel="Revoke verification"
            variant="danger"
            onConfirm={async () => {
              if (applyResult(await revokeVerificationAction(slug, domain.id))) {
                setResult(undefined);
                toast.success("Verification revoked");
                router.refresh();
              }
            }}
          />
        )}
        {!verified && isPlatformAdmin && !domain.verifiedElsewhere && (
          <ConfirmButton
            label="Approve without DNS"
            size="md"
            title={`Approve ${domain.name} without DNS?`}
            description={APPROVE_WITHOUT_DNS}
            confirmLabel="Approve"
            variant="primary"
            onConfirm={async () => {
              const r = await approveDomainAction({ domainId: domain.id });
              if (r.ok) {
                setResult(r.data);
                router.refresh();
              } else setResult({ verified: false, message: r.error });
            }}
          />
        )}
        {!verified && !domain.verifiedElsewhere && (
          <Button
            disabled={pending}
            onClick={async () => {
              setPending(true);
              setResult(undefined);
              const r = await verifyDomainAction(slug, domain.id);
              setPending(false);
              setResult(r.ok ? r.data : { verified: false, message: r.error });
              if (r.ok && r.data.verified) router.refresh();
            }}
          >
            {pending ? "Looking up…" : "Verify now"}
          </Button>
        )}
      </div>
    </Card>
  );
}
