"use client";
import { useId, useState, type KeyboardEvent } from "react";
import { CheckCircle2, MinusCircle, XCircle } from "lucide-react";
import { Button } from "@/components/ui/button";
import { inputClass } from "@/components/ui/field";
import type { ActionResult } from "@/lib/action-result";
import type { SignInTest } from "@/lib/directory/test-sign-in";

/**
 * "Test sign-in" inside the connection dialog: a login and a password tried with the dialog's settings, each
 * step of the sign-in shown. Its inputs are not part of the connection form: Save never sends them, and Enter
 * in them runs the test instead of saving.
 */
export function TestSignInSection({
  run,
}: {
  /** Validates the connection form and runs the test with its values; undefined when the form is invalid. */
  run: (login: string, password: string) => Promise<ActionResult<SignInTest> | undefined>;
}) {
  const id = useId();
  const [login, setLogin] = useState("");
  const [password, setPassword] = useState("");
  const [pending, setPending] = useState(false);
  const [result, setResult] = useState<SignInTest>();
  const [error, setError] = useState<string>();

  async function test() {
    setError(undefined);
    setResult(undefined);
    if (!login.trim() || !password) {
      setError("Enter a login and a password to test.");
      return;
    }
    setPending(true);
    try {
      const response = await run(login, password);
      if (!response) setError("Fix the connection fields first.");
      else if (response.ok) setResult(response.data);
      else setError(response.error);
    } finally {
      setPending(false);
      // The password is not kept in the page once it was used.
      setPassword("");
    }
  }
  const onEnter = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key !== "Enter") return;
    e.preventDefault();
    void test();
  };

  return (
    <section aria-labelledby={`${id}-title`} className="mt-3 space-y-3 border-t border-slate-100 pt-3">
      <div>
        <h3 id={`${id}-title`} className="text-sm font-medium text-slate-800">
          Test sign-in
        </h3>
        <p className="text-xs text-slate-500">
          Runs one person&apos;s sign-in with these settings and shows each step. Nothing is saved and no
          session is opened; tests are limited per administrator.
        </p>
      </div>
      <div className="grid gap-3 md:grid-cols-2">
        <div className="space-y-1">
          <label htmlFor={`${id}-login`} className="block text-sm font-medium text-slate-800">
            Test login
          </label>
          <input
            id={`${id}-login`}
            className={inputClass}
            autoComplete="off"
            maxLength={320}
            value={login}
            onChange={(e) => setLogin(e.target.value)}
            onKeyDown={onEnter}
          />
        </div>
        <div className="space-y-1">
          <label htmlFor={`${id}-password`} className="block text-sm font-medium text-slate-800">
            Test password
          </label>
          <input
            id={`${id}-password`}
            type="password"
            className={inputClass}
            autoComplete="new-password"
            maxLength={1024}
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            onKeyDown={onEnter}
          />
        </div>
      </div>
      <Button variant="secondary" onClick={() => void test()} disabled={pending}>
        {pending ? "Testing sign-in…" : "Test sign-in"}
      </Button>
      {error && (
        <p role="alert" className="text-sm font-medium text-red-600">
          {error}
        </p>
      )}
      {result && <SignInSteps result={result} />}
    </section>
  );
}

function SignInSteps({ result }: { result: SignInTest }) {
  return (
    <div role="status" aria-label="Sign-in test result" className="rounded-md bg-slate-50 p-3 text-sm">
      <p className={`font-medium ${result.ok ? "text-green-800" : "text-red-800"}`}>
        {result.ok ? "This person can sign in." : "This person cannot sign in."}
      </p>
      <ol className="mt-2 space-y-1">
        {result.steps.map((step) => (
          <li key={step.name} className="flex items-start gap-2">
            {step.ok === null ? (
              <MinusCircle aria-label="skipped" className="mt-0.5 size-4 shrink-0 text-slate-400" />
            ) : step.ok ? (
              <CheckCircle2 aria-label="passed" className="mt-0.5 size-4 shrink-0 text-green-700" />
            ) : (
              <XCircle aria-label="failed" className="mt-0.5 size-4 shrink-0 text-red-700" />
            )}
            <span>
              <span className="font-medium">{step.name}</span>:{" "}
              <span className="break-all">{step.detail}</span>
            </span>
          </li>
        ))}
      </ol>
      {result.fields && (
        <dl className="mt-3 grid grid-cols-[auto_1fr] gap-x-3 gap-y-0.5 text-xs">
          <dt className="text-slate-500">Email</dt>
          <dd>{result.fields.email}</dd>
          <dt className="text-slate-500">Full name</dt>
          <dd>{result.fields.fullName}</dd>
          <dt className="text-slate-500">Account name</dt>
          <dd>{result.fields.accountName ?? "—"}</dd>
          <dt className="text-slate-500">User principal name</dt>
          <dd>{result.fields.userPrincipalName ?? "—"}</dd>
        </dl>
      )}
    </div>
  );
}
