"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { signOut } from "next-auth/react";
import {
  BadgeCheck,
  Bell,
  Building2,
  FileText,
  Globe,
  Network,
  Home,
  LogOut,
  ScrollText,
  ShieldCheck,
  Tags,
  UserCircle,
  Users,
} from "lucide-react";
import type { ReactNode } from "react";

function NavLink({ href, icon, children }: { href: string; icon: ReactNode; children: ReactNode }) {
  const pathname = usePathname();
  const active = pathname === href || pathname.startsWith(`${href}/`);
  return (
    <Link
      href={href}
      aria-current={active ? "page" : undefined}
      className={
        "flex items-center gap-2 rounded-md px-2.5 py-1.5 text-sm " +
        `${active ? "bg-brand-50 text-brand-700 font-medium" : "text-slate-700 hover:bg-slate-100"}`
      }
    >
      {icon}
      {children}
    </Link>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="space-y-0.5">
      <p className="px-2.5 pt-4 pb-1 text-xs font-semibold tracking-wide text-slate-400 uppercase">{title}</p>
      {children}
    </div>
  );
}

export function Sidebar({
  user,
  isPlatformAdmin,
  adminOrgs,
}: {
  user: { name: string; email: string };
  isPlatformAdmin: boolean;
  adminOrgs: { slug: string; name: string; notifications: number }[];
}) {
  const icon = "size-4 shrink-0";
  return (
    <aside
      className={
        "sticky top-0 flex h-screen w-60 shrink-0 flex-col " + "border-r border-slate-200 bg-white px-3 py-4"
      }
    >
      <Link href="/" className="flex items-center gap-2 px-2.5 pb-2">
        <span
          className={
            "bg-brand-600 flex size-7 items-center justify-center rounded-md text-xs font-bold " +
            "text-white"
          }
        >
          DC
        </span>
        <span className="font-semibold tracking-tight">Directory Console</span>
      </Link>
      <nav aria-label="Main" className="flex-1 overflow-y-auto">
        <Section title="You">
          <NavLink href="/home" icon={<Home className={icon} />}>
            Home
          </NavLink>
          <NavLink href="/files" icon={<FileText className={icon} />}>
            Files
          </NavLink>
          <NavLink href="/account" icon={<UserCircle className={icon} />}>
            Account
          </NavLink>
        </Section>
        {adminOrgs.map((org) => (
          <Section key={org.slug} title={org.name}>
            <NavLink href={`/org/${org.slug}/users`} icon={<Users className={icon} />}>
              Users
            </NavLink>
            <NavLink href={`/org/${org.slug}/ldap`} icon={<Network className={icon} />}>
              LDAP Connections
            </NavLink>
            <NavLink href={`/org/${org.slug}/domains`} icon={<Globe className={icon} />}>
              Domains
            </NavLink>
            <NavLink href={`/org/${org.slug}/notifications`} icon={<Bell className={icon} />}>
              Notifications
              {org.notifications > 0 && (
                <span
                  className="ml-auto rounded-full bg-red-600 px-1.5 text-xs font-semibold text-white"
                  aria-label={`${org.notifications} open`}
                >
                  {org.notifications}
                </span>
              )}
            </NavLink>
            <NavLink href={`/org/${org.slug}/logs`} icon={<ScrollText className={icon} />}>
              Debug and Warning logs
            </NavLink>
          </Section>
        ))}
        {isPlatformAdmin && (
          <Section title="Platform">
            <NavLink href="/admin/organisations" icon={<Building2 className={icon} />}>
              Organisations
            </NavLink>
            <NavLink href="/admin/domains" icon={<BadgeCheck className={icon} />}>
              Domain approvals
            </NavLink>
            <NavLink href="/admin/plans" icon={<Tags className={icon} />}>
              Plans
            </NavLink>
            <NavLink href="/admin/users" icon={<ShieldCheck className={icon} />}>
              Users and roles
            </NavLink>
            <NavLink href="/admin/audit" icon={<ScrollText className={icon} />}>
              Audit log
            </NavLink>
          </Section>
        )}
      </nav>
      <div className="border-t border-slate-200 pt-3">
        <p className="truncate px-2.5 text-sm font-medium" title={user.name}>
          {user.name}
        </p>
        <p className="truncate px-2.5 text-xs text-slate-500" title={user.email}>
          {user.email}
        </p>
        <button
          type="button"
          onClick={() => signOut({ callbackUrl: "/login" })}
          className={
            "mt-2 flex w-full items-center gap-2 rounded-md px-2.5 py-1.5 text-sm text-slate-700 " +
            "hover:bg-slate-100"
          }
        >
          <LogOut className={icon} /> Sign out
        </button>
      </div>
    </aside>
  );
}
