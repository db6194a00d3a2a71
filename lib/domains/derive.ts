// The LDAP connection a domain's Directory Service tab stands for. Pure.
import { dnFromDomain } from "@/lib/directory/dn";
import { PRESETS } from "@/lib/directory/presets";
import type { ConnectionValues } from "@/lib/connections/schema";
import type { DirectoryServiceInput } from "@/lib/domains/schema";

export function connectionForDomain(
  domain: string,
  v: DirectoryServiceInput,
): Omit<ConnectionValues, "managerPassword"> & { managerPassword: string } {
  const dc = dnFromDomain(domain);
  const ad = v.directoryType === "ACTIVE_DIRECTORY";
  const user = v.username.trim();
  return {
    name: `${domain} (Directory Service)`,
    preset: v.directoryType,
    serverUrl: `${v.useLdaps ? "ldaps" : "ldap"}://${v.hostname.trim()}`,
    serverTimeout: 5000,
    // Active Directory takes user@domain or a DN; Open Directory a DN or a short name under cn=users.
    managerDn:
      user.includes("=") || (ad && user.includes("@"))
        ? user
        : ad
          ? `${user}@${domain}`
          : `uid=${user},cn=users,${dc}`,
    managerPassword: v.password,
    baseDn: ad ? dc : `cn=users,${dc}`,
    domain,
    startTls: false,
    caCertificate: "",
    ...PRESETS[v.directoryType],
    // Open Directory keeps groups beside the users (cn=groups), outside the Base DN above.
    groupBaseDn: ad ? "" : dc,
  };
}
