"use client";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { signOut } from "next-auth/react";
import { toast } from "sonner";
import { Button } from "@/components/ui/button";
import { TextInput } from "@/components/ui/field";
import { changePasswordSchema, type ChangePasswordInput } from "@/lib/users/schema";
import { changePasswordAction } from "@/app/(console)/account/actions";
import { applyResult } from "@/components/ui/apply-result";

export function ChangePasswordForm() {
  const form = useForm<ChangePasswordInput>({
    resolver: zodResolver(changePasswordSchema),
    defaultValues: { currentPassword: "", newPassword: "", confirmPassword: "" },
  });
  const { register, handleSubmit, formState } = form;
  return (
    <form
      // POST, so that a submit before hydration never puts a password in the URL.
      method="post"
      noValidate
      className="mt-4 space-y-4"
      onSubmit={handleSubmit(async (values) => {
        const result = await changePasswordAction(values);
        if (!applyResult(result, form.setError)) return;
        toast.success("Password changed. Sign in again with the new password.");
        // Sessions opened before the change end with it, this one included.
        await signOut({ callbackUrl: "/login" });
      })}
    >
      <TextInput
        label="Current password"
        type="password"
        autoComplete="current-password"
        error={formState.errors.currentPassword?.message}
        {...register("currentPassword")}
      />
      <TextInput
        label="New password"
        type="password"
        autoComplete="new-password"
        help="At least 12 characters."
        error={formState.errors.newPassword?.message}
        {...register("newPassword")}
      />
      <TextInput
        label="Confirm new password"
        type="password"
        autoComplete="new-password"
        error={formState.errors.confirmPassword?.message}
        {...register("confirmPassword")}
      />
      <Button type="submit" disabled={formState.isSubmitting}>
        {formState.isSubmitting ? "Saving…" : "Change password"}
      </Button>
    </form>
  );
}
