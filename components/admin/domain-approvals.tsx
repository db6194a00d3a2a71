"use client";
import { useRouter } from "next/navigation";
import { toast } from "sonner";
import { ConfirmButton } from "@/components/ui/dialog";
import {
  approveBindAddressAction,
  approveDomainAction,
  approveNtDomainAction,
} from "@/app/(console)/admin/domains/actions";
import { APPROVE_WITHOUT_DNS } from "@/components/domains/verification-panel";

export function ApproveDomainButton({ domain }: { domain: { id: string; name: string; org: string } }) {
  const router = useRouter();
  return (
    <ConfirmButton
      label="Approve"
      title={`Approve ${domain.name} for ${domain.org}?`}
      description={APPROVE_WITHOUT_DNS}
      confirmLabel="Approve domain"
      variant="primary"
      onConfirm={async () => {
        const r = await approveDomainAction({ domainId: domain.id });
        if (!r.ok) toast.error(r.error);
        else {
          toast.success(`${domain.name} approved`);
          router.refresh();
        }
      }}
    />
  );
}

export function ApproveAddressButton({
  domain,
}: {
  domain: { id: string; name: string; org: string; address: string };
}) {
  const router = useRouter();
  return (
    <ConfirmButton
      label="Approve"
      title={`Bind ${domain.address} to ${domain.name}?`}
      description={
        `People who reach the console on ${domain.address} and sign in with their username alone are then ` +
        `signed in through ${domain.org}'s directory. One address binds one organisation.`
      }
      confirmLabel="Approve address"
      variant="primary"
      onConfirm={async () => {
        const r = await approveBindAddressAction({ domainId: domain.id });
        if (!r.ok) toast.error(r.error);
        else {
          toast.success(`${domain.address} approved for ${domain.name}`);
          router.refresh();
        }
      }}
    />
  );
}

export function ApproveNtDomainButton({
  domain,
}: {
  domain: { id: string; name: string; org: string; ntDomain: string };
}) {
  const router = useRouter();
  return (
    <ConfirmButton
      label="Approve"
      title={`Route ${domain.ntDomain}\\name sign-ins to ${domain.org}?`}
      description={
        `People who sign in as ${domain.ntDomain}\\name are then signed in through ${domain.org}'s ` +
        "directory, which receives the password they type. Approve only the organisation that really is " +
        `this Windows domain. One NT name routes to one organisation.`
      }
      confirmLabel="Approve NT domain"
      variant="primary"
      onConfirm={async () => {
        const r = await approveNtDomainAction({ domainId: domain.id });
        if (!r.ok) toast.error(r.error);
        else {
          toast.success(`${domain.ntDomain} approved for ${domain.name}`);
          router.refresh();
        }
      }}
    />
  );
}
