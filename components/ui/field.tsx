import {
  forwardRef,
  useId,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
} from "react";

export const inputClass =
  "block w-full rounded-md border-0 bg-white px-3 py-2 text-sm text-slate-900 shadow-xs ring-1 " +
  "ring-inset ring-slate-300 placeholder:text-slate-400 focus:ring-2 focus:ring-inset " +
  "focus:ring-brand-600 aria-[invalid=true]:ring-red-500";

type FieldProps = {
  label: string;
  help?: ReactNode;
  error?: string;
  children: (ids: { id: string; describedBy?: string }) => ReactNode;
};

/** A label, the control, its help text and its error, wired together for screen readers. */
export function Field({ label, help, error, children }: FieldProps) {
  const id = useId();
  const helpId = help ? `${id}-help` : undefined;
  const errorId = error ? `${id}-error` : undefined;
  const describedBy = [errorId, helpId].filter(Boolean).join(" ") || undefined;
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      {children({ id, describedBy })}
      {error && (
        <p id={errorId} role="alert" className="text-xs font-medium text-red-600">
          {error}
        </p>
      )}
      {help && (
        <p id={helpId} className="text-xs text-slate-500">
          {help}
        </p>
      )}
    </div>
  );
}

export const TextInput = forwardRef<
  HTMLInputElement,
  InputHTMLAttributes<HTMLInputElement> & { label: string; help?: ReactNode; error?: string }
>(function TextInput({ label, help, error, ...props }, ref) {
  return (
    <Field label={label} help={help} error={error}>
      {({ id, describedBy }) => (
        <input
          ref={ref}
          id={id}
          aria-describedby={describedBy}
          aria-invalid={error ? true : undefined}
          className={inputClass}
          {...props}
        />
      )}
    </Field>
  );
});

export const SelectInput = forwardRef<
  HTMLSelectElement,
  SelectHTMLAttributes<HTMLSelectElement> & { label: string; help?: ReactNode; error?: string }
>(function SelectInput({ label, help, error, children, ...props }, ref) {
  return (
    <Field label={label} help={help} error={error}>
      {({ id, describedBy }) => (
        <select
          ref={ref}
          id={id}
          aria-describedby={describedBy}
          aria-invalid={error ? true : undefined}
          className={inputClass}
          {...props}
        >
          {children}
        </select>
      )}
    </Field>
  );
});

export function FormError({ message }: { message?: string }) {
  if (!message) return null;
  return (
    <div
      role="alert"
      className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 ring-1 ring-red-200 ring-inset"
    >
      {message}
    </div>
  );
}
