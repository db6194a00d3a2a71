"use client";
import { useState } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { ConfirmButton, Dialog } from "@/components/ui/dialog";
import { applyResult } from "@/components/ui/apply-result";
import { ASSIGNABLE_ROLES } from "@/lib/users/schema";
import type { UserSource } from "@/lib/generated/prisma/enums";
import { ROLE_LABELS } from "@/lib/auth/permissions";
import { setRolesAction, setUserStatusAction } from "@/app/(console)/org/[slug]/users/actions";

type Row = {
  id: string;
  email: string;
  source: UserSource;
  status: "ACTIVE" | "DISABLED" | "PENDING_TRANSFER";
  membershipStatus: "ACTIVE" | "DISABLED";
  /** This organisation owns the account itself (not only the membership). */
  ownsAccount: boolean;
  roles: string[];
};

type Scope = "membership" | "account";

export function UserRowActions({ slug, user, isSelf }: { slug: string; user: Row; isSelf: boolean }) {
  const set = async (status: "ACTIVE" | "DISABLED", scope: Scope) => {
    if (applyResult(await setUserStatusAction(slug, { userId: user.id, status, scope })))
      toast.success(
        `${user.email}: ${scope === "account" ? "account" : "membership in this organisation"} ${
          status === "DISABLED" ? "disabled" : "enabled"
        }`,
      );
  };
  return (
    <div className="flex flex-wrap justify-end gap-2">
      {user.source !== "DIRECTORY" && <RolesButton slug={slug} user={user} />}
      {user.membershipStatus === "ACTIVE" && !isSelf && (
        <ConfirmButton
          label="Disable here"
          variant="danger"
          title={`Disable ${user.email} in this organisation?`}
          description={
            "They can no longer use this organisation: its pages and the files shared here. Their account " +
            "itself, and other organisations they belong to, are not changed."
          }
          confirmLabel="Disable membership"
          onConfirm={() => set("DISABLED", "membership")}
        />
      )}
      {user.membershipStatus === "DISABLED" && (
        <Button size="sm" variant="secondary" onClick={() => set("ACTIVE", "membership")}>
          Enable here
        </Button>
      )}
      {user.ownsAccount && user.status === "ACTIVE" && !isSelf && (
        <ConfirmButton
          label="Disable account"
          variant="danger"
          title={`Disable the account ${user.email}?`}
          description={
            "The account can no longer sign in anywhere and its sessions end. Its files stay; you can " +
            "enable it again at any time."
          }
          confirmLabel="Disable account"
          onConfirm={() => set("DISABLED", "account")}
        />
      )}
      {user.ownsAccount && user.status === "DISABLED" && (
        <Button size="sm" variant="secondary" onClick={() => set("ACTIVE", "account")}>
          Enable account
        </Button>
      )}
      {user.source === "DIRECTORY" && (
        <span
          className="self-center text-xs text-slate-400"
          title="Fields, account status and roles of directory users follow the directory."
        >
          Account managed by directory
        </span>
      )}
    </div>
  );
}

function RolesButton({ slug, user }: { slug: string; user: Row }) {
  const [open, setOpen] = useState(false);
  const [roles, setRoles] = useState<string[]>(user.roles);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  return (
    <>
      <Button
        size="sm"
        variant="secondary"
        onClick={() => {
          setRoles(user.roles);
          setError(undefined);
          setOpen(true);
        }}
      >
        Roles
      </Button>
      <Dialog
        open={open}
        onOpenChange={setOpen}
        title={`Roles of ${user.email}`}
        description={
          "Originators own and share files; Collaborators open what is shared with them and upload; " +
          "Organisation administrators manage this organisation."
        }
      >
        <fieldset className="space-y-2">
          <legend className="sr-only">Roles</legend>
          {ASSIGNABLE_ROLES.map((role) => (
            <label key={role} className="flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                className="size-4 rounded border-slate-300"
                checked={roles.includes(role)}
                onChange={(e) =>
                  setRoles((r) => (e.target.checked ? [...r, role] : r.filter((x) => x !== role)))
                }
              />
              {ROLE_LABELS[role]}
            </label>
          ))}
        </fieldset>
        {error && (
          <p role="alert" className="mt-2 text-sm text-red-600">
            {error}
          </p>
        )}
        <div className="mt-6 flex justify-end gap-2">
          <Button variant="secondary" onClick={() => setOpen(false)}>
            Cancel
          </Button>
          <Button
            disabled={pending}
            onClick={async () => {
              setPending(true);
              const result = await setRolesAction(slug, {
                userId: user.id,
                roles: roles.filter((r) => r !== "ADHOC"),
              });
              setPending(false);
              if (!result.ok) {
                setError(result.fieldErrors?.roles ?? result.error);
                return;
              }
              toast.success(`Roles of ${user.email} saved`);
              setOpen(false);
            }}
          >
            Save roles
          </Button>
        </div>
      </Dialog>
    </>
  );
}
