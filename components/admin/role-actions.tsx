"use client";
import { useState } from "react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { ConfirmButton, Dialog } from "@/components/ui/dialog";
import { applyResult } from "@/components/ui/apply-result";
import {
  grantOrgAdminAction,
  revokeOrgAdminAction,
  setPlatformAdminAction,
} from "@/app/(console)/admin/actions";

type Org = { id: string; name: string; slug: string };
type U = { id: string; email: string; isPlatformAdmin: boolean; isBuiltinAdmin: boolean; adminOf: string[] };

export function AdminRoleActions({ user, orgs, isSelf }: { user: U; orgs: Org[]; isSelf: boolean }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button size="sm" variant="secondary" onClick={() => setOpen(true)}>
        Manage roles
      </Button>
      <Dialog
        open={open}
        onOpenChange={setOpen}
        title={`Roles of ${user.email}`}
        description="Each change asks for confirmation and is written to the audit log."
      >
        <h3 className="text-sm font-semibold">Platform administrator</h3>
        <div className="mt-2 flex items-center justify-between rounded-md bg-slate-50 px-3 py-2 text-sm">
          <span>
            {user.isPlatformAdmin
              ? "Has the platform-administrator role."
              : "Does not have the platform-administrator role."}
          </span>
          {user.isBuiltinAdmin ? (
            <span className="text-xs text-slate-500">Built-in: always an administrator</span>
          ) : user.isPlatformAdmin ? (
            <ConfirmButton
              label="Revoke"
              variant="danger"
              title={`Revoke platform administrator from ${user.email}?`}
              description={
                isSelf
                  ? "This is your own account: you will lose access to the platform pages at once."
                  : "They lose access to every platform page at once."
              }
              confirmLabel="Revoke role"
              onConfirm={async () => {
                if (applyResult(await setPlatformAdminAction({ userId: user.id, grant: false }))) {
                  toast.success("Platform administrator role revoked");
                  setOpen(false);
                }
              }}
            />
          ) : (
            <ConfirmButton
              label="Grant"
              variant="primary"
              title={`Make ${user.email} a platform administrator?`}
              description="They will be able to create organisations and plans and grant any role to anyone."
              confirmLabel="Grant role"
              onConfirm={async () => {
                if (applyResult(await setPlatformAdminAction({ userId: user.id, grant: true }))) {
                  toast.success("Platform administrator role granted");
                  setOpen(false);
                }
              }}
            />
          )}
        </div>
        <h3 className="mt-6 text-sm font-semibold">Organisation administrator</h3>
        {orgs.length === 0 ? (
          <p className="mt-2 text-sm text-slate-500">No organisations yet.</p>
        ) : (
          <ul className="mt-2 divide-y divide-slate-100 rounded-md ring-1 ring-slate-200">
            {orgs.map((org) => {
              const isAdmin = user.adminOf.includes(org.id);
              return (
                <li
                  key={org.id}
                  className="flex items-center justify-between px-3 py-2 text-sm"
                  aria-label={org.name}
                >
                  <span>
                    {org.name}{" "}
                    <span className="text-slate-400">
                      ({isAdmin ? "administrator" : "not administrator"})
                    </span>
                  </span>
                  {isAdmin ? (
                    <ConfirmButton
                      label="Revoke"
                      variant="danger"
                      title={`Revoke administrator of ${org.name} from ${user.email}?`}
                      description="They can no longer manage this organisation."
                      confirmLabel="Revoke role"
                      onConfirm={async () => {
                        if (
                          applyResult(await revokeOrgAdminAction({ userId: user.id, organizationId: org.id }))
                        ) {
                          toast.success(`Administrator of ${org.name} revoked`);
                          setOpen(false);
                        }
                      }}
                    />
                  ) : (
                    <ConfirmButton
                      label="Grant"
                      variant="primary"
                      title={`Make ${user.email} an administrator of ${org.name}?`}
                      description="They will manage this organisation's users, LDAP connections and domains."
                      confirmLabel="Grant role"
                      onConfirm={async () => {
                        if (
                          applyResult(await grantOrgAdminAction({ userId: user.id, organizationId: org.id }))
                        ) {
                          toast.success(`Administrator of ${org.name} granted`);
                          setOpen(false);
                        }
                      }}
                    />
                  )}
                </li>
              );
            })}
          </ul>
        )}
      </Dialog>
    </>
  );
}
