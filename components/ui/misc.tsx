import Link from "next/link";
import type { ReactNode } from "react";
import { inputClass } from "@/components/ui/field";

const TONES = {
  green: "bg-green-50 text-green-700 ring-green-600/20",
  red: "bg-red-50 text-red-700 ring-red-600/20",
  amber: "bg-amber-50 text-amber-800 ring-amber-600/20",
  blue: "bg-brand-50 text-brand-700 ring-brand-600/20",
  gray: "bg-slate-100 text-slate-700 ring-slate-500/20",
} as const;

export function Badge({ tone = "gray", children }: { tone?: keyof typeof TONES; children: ReactNode }) {
  return (
    <span
      className={
        "inline-flex items-center rounded-md px-2 py-0.5 text-xs font-medium ring-1 ring-inset " +
        `${TONES[tone]}`
      }
    >
      {children}
    </span>
  );
}

export function PageHeader({
  title,
  description,
  actions,
}: {
  title: string;
  description?: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <div className="mb-6 flex flex-wrap items-end justify-between gap-4">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight text-slate-900">{title}</h1>
        {description && <p className="mt-1 max-w-3xl text-sm text-slate-500">{description}</p>}
      </div>
      {actions && <div className="flex gap-2">{actions}</div>}
    </div>
  );
}

export function Card({ children, className = "" }: { children: ReactNode; className?: string }) {
  return <div className={`rounded-lg bg-white shadow-xs ring-1 ring-slate-200 ${className}`}>{children}</div>;
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="px-6 py-12 text-center">
      <p className="text-sm font-semibold text-slate-900">{title}</p>
      {children && <div className="mt-1 text-sm text-slate-500">{children}</div>}
    </div>
  );
}

export const th = "px-4 py-2.5 text-left text-xs font-semibold uppercase tracking-wide text-slate-500";
export const td = "px-4 py-3 text-sm text-slate-700 align-middle";

/** Server-side paging: links keep the other search parameters. */
export function Pagination({
  page,
  pageSize,
  total,
  params,
}: {
  page: number;
  pageSize: number;
  total: number;
  params: Record<string, string | undefined>;
}) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const href = (p: number) => {
    const sp = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v) sp.set(k, v);
    sp.set("page", String(p));
    return `?${sp.toString()}`;
  };
  const first = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const last = Math.min(total, page * pageSize);
  const link = "rounded-md px-3 py-1.5 text-sm ring-1 ring-inset ring-slate-300 hover:bg-slate-50";
  return (
    <nav
      aria-label="Pages"
      className="flex items-center justify-between border-t border-slate-200 px-4 py-3 text-sm text-slate-600"
    >
      <span>{total === 0 ? "No results" : `${first}–${last} of ${total.toLocaleString("en")}`}</span>
      <div className="flex gap-2">
        {page > 1 ? (
          <Link className={link} href={href(page - 1)}>
            Previous
          </Link>
        ) : (
          <span className={`${link} text-slate-300`} aria-disabled="true">
            Previous
          </span>
        )}
        {page < pages ? (
          <Link className={link} href={href(page + 1)}>
            Next
          </Link>
        ) : (
          <span className={`${link} text-slate-300`} aria-disabled="true">
            Next
          </span>
        )}
      </div>
    </nav>
  );
}

/**
 * Paging by key (lib/users/queries.ts): Next starts after the last row shown, Previous ends before the first,
 * so a deep page costs what the first does. The total may be an estimate, said as "about".
 */
export function KeysetPagination({
  page,
  pageSize,
  shown,
  total,
  more,
  keys,
  params,
}: {
  page: number;
  pageSize: number;
  shown: number;
  total: { count: number; exact: boolean };
  more: boolean;
  keys: { first?: string; last?: string };
  params: Record<string, string | undefined>;
}) {
  const href = (extra: Record<string, string>) => {
    const sp = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v) sp.set(k, v);
    for (const [k, v] of Object.entries(extra)) sp.set(k, v);
    return `?${sp.toString()}`;
  };
  const first = (page - 1) * pageSize + 1;
  const of = `${total.exact ? "" : "about "}${total.count.toLocaleString("en")}`;
  const link = "rounded-md px-3 py-1.5 text-sm ring-1 ring-inset ring-slate-300 hover:bg-slate-50";
  const off = `${link} text-slate-300`;
  const previous =
    page <= 1
      ? null
      : page === 2 || !keys.first
        ? href({ page: "1" })
        : href({ before: keys.first, page: String(page - 1) });
  const next = more && keys.last ? href({ after: keys.last, page: String(page + 1) }) : null;
  return (
    <nav
      aria-label="Pages"
      className="flex items-center justify-between border-t border-slate-200 px-4 py-3 text-sm text-slate-600"
    >
      <span>
        {shown === 0
          ? "No results"
          : `${first.toLocaleString("en")}–${(first + shown - 1).toLocaleString("en")} of ${of}`}
      </span>
      <div className="flex gap-2">
        {previous ? (
          <Link className={link} href={previous}>
            Previous
          </Link>
        ) : (
          <span className={off} aria-disabled="true">
            Previous
          </span>
        )}
        {next ? (
          <Link className={link} href={next}>
            Next
          </Link>
        ) : (
          <span className={off} aria-disabled="true">
            Next
          </span>
        )}
      </div>
    </nav>
  );
}

/** A filter of a server-side list: a labelled <select> in a GET form, "All …" first. */
export function FilterSelect({
  name,
  label,
  allLabel,
  value,
  options,
}: {
  name: string;
  label: string;
  allLabel: string;
  value?: string;
  options: { value: string; label: string }[];
}) {
  return (
    <div>
      <label htmlFor={name} className="mb-1 block text-xs font-medium text-slate-600">
        {label}
      </label>
      <select id={name} name={name} defaultValue={value ?? ""} className={inputClass}>
        <option value="">{allLabel}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}
