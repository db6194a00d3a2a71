import "server-only";
import { db } from "@/lib/db";

// What another domain already holds, read before a write so that the refusal can say so in words. The
// partial unique indexes of migration 0005 decide races; callers turn their P2002 into the same messages.

/** Another organisation verified `name`. */
export async function nameVerifiedElsewhere(organizationId: string, name: string): Promise<boolean> {
  const n = await db.domain.count({
    where: {
      name: { equals: name, mode: "insensitive" },
      verifiedAt: { not: null },
      organizationId: { not: organizationId },
    },
  });
  return n > 0;
}

/** The verified domain (other than `domainId`) whose Windows NT domain name is `ntDomain`, if any. */
export async function verifiedNtDomainHolder(domainId: string, ntDomain: string) {
  return db.domain.findFirst({
    where: {
      id: { not: domainId },
      ntDomain: { equals: ntDomain, mode: "insensitive" },
      verifiedAt: { not: null },
    },
    select: { name: true, organizationId: true },
  });
}

export const verifiedElsewhereMessage = (name: string) => `${name} is verified by another organisation.`;

export const ntDomainTakenMessage = (ntDomain: string, sameOrganisation: boolean) =>
  sameOrganisation
    ? `The Windows NT domain ${ntDomain} is used by another verified domain of this organisation.`
    : `The Windows NT domain ${ntDomain} is used by a verified domain of another organisation.`;

export const addressTakenMessage = (address: string, sameOrganisation: boolean) =>
  sameOrganisation
    ? `${address} is already bound to another domain of this organisation.`
    : `${address} is already bound to a domain of another organisation.`;
