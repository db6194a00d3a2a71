"use client";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { signIn } from "next-auth/react";
import { Button } from "@/components/ui/button";
import { FormError, TextInput } from "@/components/ui/field";
import { applyResult } from "@/components/ui/apply-result";
import { setPasswordByLinkSchema, type SetPasswordByLinkInput } from "@/lib/files/schema";
import { setPasswordByLinkAction } from "@/app/welcome/[token]/actions";

export function WelcomeForm({ token, email }: { token: string; email: string }) {
  const [formError, setFormError] = useState<string>();
  const form = useForm<SetPasswordByLinkInput>({
    resolver: zodResolver(setPasswordByLinkSchema),
    defaultValues: { token, password: "", confirmPassword: "" },
  });
  return (
    <form
      // POST, so that a submit before hydration never puts a password in the URL.
      method="post"
      noValidate
      className="space-y-4"
      onSubmit={form.handleSubmit(async (values) => {
        setFormError(undefined);
        const result = await setPasswordByLinkAction(values);
        if (!applyResult(result, form.setError, setFormError)) return;
        // Signed in at once with the new password, then to the shared files.
        const signedIn = await signIn("credentials", {
          login: email,
          password: values.password,
          redirect: false,
        });
        window.location.assign(signedIn?.ok ? "/files" : "/login?callbackUrl=/files");
      })}
    >
      <FormError message={formError} />
      <TextInput label="Email" value={email} readOnly autoComplete="username" />
      <TextInput
        label="Password"
        type="password"
        autoComplete="new-password"
        help="At least 12 characters."
        error={form.formState.errors.password?.message}
        {...form.register("password")}
      />
      <TextInput
        label="Repeat the password"
        type="password"
        autoComplete="new-password"
        error={form.formState.errors.confirmPassword?.message}
        {...form.register("confirmPassword")}
      />
      <Button type="submit" className="w-full" disabled={form.formState.isSubmitting}>
        {form.formState.isSubmitting ? "Saving…" : "Set password and sign in"}
      </Button>
    </form>
  );
}
