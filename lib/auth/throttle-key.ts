import "server-only";
import { db } from "@/lib/db";
import { parseLogin } from "@/lib/auth/login-parse";

/**
 * The counter a sign-in attempt is charged to. A login that names one known account, by its email, the
 * account name of a local or Ad hoc account, DOMAIN\name or name@domain of a directory account (its account
 * name on a connection of that domain, or its UPN), counts as `account:<id>`, so that the forms of one
 * account share one counter. Anything else counts as the login itself. The same query runs whether or not an
 * account exists, so neither the answer nor its cost tells them apart. `login` is trimmed and lower-cased.
 */
export async function throttleKey(login: string): Promise<string> {
  const parsed = parseLogin(login);
  const name = parsed.kind === "bare" ? null : parsed.name;
  const nt = parsed.kind === "nt" ? parsed.ntDomain : null;
  const domain = parsed.kind === "at" ? parsed.domain : null;
  const rows = await db.$queryRaw<{ id: string }[]>`
    select id from (
      select id from "User" where email = ${login}
      union
      select id from "User" where lower("accountName") = ${login} and source <> 'DIRECTORY'
      union
      select id from "User" where lower("userPrincipalName") = ${login} and "userPrincipalName" is not null
      union
      select u.id from "User" u
        join "LdapConnection" c on c.id = u."connectionId"
        left join "Domain" d on d."connectionId" = c.id
        where u.source = 'DIRECTORY' and lower(u."accountName") = ${name}
          and (lower(split_part(c.domain, '.', 1)) = ${nt} or lower(d."ntDomain") = ${nt}
            or lower(c.domain) = ${domain} or lower(d.name) = ${domain})
    ) matches limit 2`;
  return rows.length === 1 ? `account:${rows[0].id}` : `login:${login}`;
}
