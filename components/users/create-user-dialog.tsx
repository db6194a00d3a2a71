"use client";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { toast } from "sonner";
import { UserPlus } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { FormError, TextInput } from "@/components/ui/field";
import { applyResult } from "@/components/ui/apply-result";
import { ASSIGNABLE_ROLES, createLocalUserSchema, type CreateLocalUserInput } from "@/lib/users/schema";
import { ROLE_LABELS } from "@/lib/auth/permissions";
import { createLocalUserAction } from "@/app/(console)/org/[slug]/users/actions";

export function CreateUserButton({ slug }: { slug: string }) {
  const [open, setOpen] = useState(false);
  const [formError, setFormError] = useState<string>();
  const empty: CreateLocalUserInput = {
    email: "",
    name: "",
    accountName: "",
    password: "",
    roles: ["ORIGINATOR"],
  };
  const form = useForm<CreateLocalUserInput>({
    resolver: zodResolver(createLocalUserSchema),
    defaultValues: empty,
  });
  const { register, handleSubmit, formState } = form;
  return (
    <>
      <Button
        onClick={() => {
          form.reset(empty);
          setFormError(undefined);
          setOpen(true);
        }}
      >
        <UserPlus className="size-4" /> Create local account
      </Button>
      <Dialog
        open={open}
        onOpenChange={setOpen}
        title="Create local account"
        description={
          "A local account signs in with a password kept by the console, also when every directory is " +
          "down. Directory users are added by synchronisation instead."
        }
      >
        <form
          noValidate
          className="space-y-4"
          onSubmit={handleSubmit(async (values) => {
            setFormError(undefined);
            const result = await createLocalUserAction(slug, values);
            if (!applyResult(result, form.setError, setFormError)) return;
            toast.success(`Account ${values.email} created`);
            setOpen(false);
          })}
        >
          <FormError message={formError} />
          <TextInput
            label="Email"
            type="email"
            autoComplete="off"
            error={formState.errors.email?.message}
            {...register("email")}
          />
          <TextInput label="Full name" error={formState.errors.name?.message} {...register("name")} />
          <TextInput
            label="Account name"
            help="Optional. ASCII letters, digits, dots, dashes, underscores."
            error={formState.errors.accountName?.message}
            {...register("accountName")}
          />
          <TextInput
            label="Initial password"
            type="password"
            autoComplete="new-password"
            help="At least 12 characters. The person can change it on their Account page."
            error={formState.errors.password?.message}
            {...register("password")}
          />
          <fieldset>
            <legend className="text-sm font-medium text-slate-800">Roles</legend>
            <div className="mt-2 flex flex-wrap gap-4">
              {ASSIGNABLE_ROLES.map((role) => (
                <label key={role} className="flex items-center gap-2 text-sm">
                  <input
                    type="checkbox"
                    value={role}
                    className="size-4 rounded border-slate-300"
                    {...register("roles")}
                  />{" "}
                  {ROLE_LABELS[role]}
                </label>
              ))}
            </div>
            {formState.errors.roles && (
              <p role="alert" className="mt-1 text-xs font-medium text-red-600">
                {formState.errors.roles.message}
              </p>
            )}
          </fieldset>
          <div className="flex justify-end gap-2 pt-2">
            <Button variant="secondary" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button type="submit" disabled={formState.isSubmitting}>
              {formState.isSubmitting ? "Creating…" : "Create account"}
            </Button>
          </div>
        </form>
      </Dialog>
    </>
  );
}
