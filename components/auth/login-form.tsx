"use client";
import { signIn } from "next-auth/react";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { zodResolver } from "@hookform/resolvers/zod";
import { Button } from "@/components/ui/button";
import { FormError, TextInput } from "@/components/ui/field";
import { loginSchema, PASSWORD_EXPIRED_CODE, type LoginInput } from "@/lib/auth/login-schema";

function describe(error: string): string {
  const locked = /^locked:(\d+)$/.exec(error);
  if (locked) {
    const minutes = Math.max(1, Math.ceil(Number(locked[1]) / 60));
    return `Too many failed sign-ins. Try again in ${minutes} minutes.`;
  }
  // Only a directory that accepted the password says this (Active Directory 532/773).
  if (error === PASSWORD_EXPIRED_CODE)
    return (
      "Your password has expired or must be changed. Change it in your directory (for example at your " +
      "computer's sign-in, or your organisation's password page), then sign in again."
    );
  // One message whatever the reason: it never tells whether the account exists.
  return "Invalid credentials";
}

export function LoginForm({ callbackUrl }: { callbackUrl: string }) {
  const [error, setError] = useState<string>();
  const { register, handleSubmit, formState } = useForm<LoginInput>({ resolver: zodResolver(loginSchema) });
  return (
    <form
      // POST, so that a submit before hydration never puts a password in the URL.
      method="post"
      noValidate
      className="space-y-4"
      onSubmit={handleSubmit(async (values) => {
        setError(undefined);
        const result = await signIn("credentials", { ...values, redirect: false });
        if (!result || result.error) {
          setError(describe(result?.error ?? ""));
          return;
        }
        window.location.assign(callbackUrl);
      })}
    >
      <FormError message={error} />
      <TextInput
        label="Email or account name"
        autoComplete="username"
        autoFocus
        help="Your email, your account name, DOMAIN\name or name@domain."
        error={formState.errors.login?.message}
        {...register("login")}
      />
      <TextInput
        label="Password"
        type="password"
        autoComplete="current-password"
        error={formState.errors.password?.message}
        {...register("password")}
      />
      <Button type="submit" className="w-full" disabled={formState.isSubmitting}>
        {formState.isSubmitting ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}
