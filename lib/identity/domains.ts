import "server-only";
import { db } from "@/lib/db";
import { emailDomain } from "@/lib/identity/email";

// Who an email belongs to (DESIGN.md, "Identity belongs to a tenant"): the organisation that verified the
// address's domain. Exact domain names only: verifying example.com does not claim sub.example.com.

/** The id of the organisation that verified `domain`, or null. */
export async function verifiedOwnerOfDomain(domain: string): Promise<string | null> {
  if (!domain) return null;
  const row = await db.domain.findFirst({
    where: { name: domain.toLowerCase(), verifiedAt: { not: null } },
    select: { organizationId: true },
  });
  return row?.organizationId ?? null;
}

/** The id of the organisation that owns `email` through a verified domain, or null. */
export async function verifiedOwnerOfEmail(email: string): Promise<string | null> {
  return verifiedOwnerOfDomain(emailDomain(email));
}

/** The verified domain names of an organisation, lower-case. */
export async function verifiedDomainsOf(organizationId: string): Promise<Set<string>> {
  const rows = await db.domain.findMany({
    where: { organizationId, verifiedAt: { not: null } },
    select: { name: true },
  });
  return new Set(rows.map((r) => r.name.toLowerCase()));
}
