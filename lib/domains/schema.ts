// Kerio's domain screens (seed 000): the shared schemas of the General, Directory Service and Advanced tabs.
import { z } from "zod";
import { DirectoryType } from "@/lib/generated/prisma/enums";

const DNS = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HEXTET = /^[0-9a-f]{1,4}$/i;

/** RFC 4291 text form: eight groups, or fewer with one "::", optionally ending in an IPv4 address. */
export function isIpv6Address(value: string): boolean {
  const halves = value.split("::");
  if (halves.length > 2) return false;
  const all = halves.flatMap((h) => (h === "" ? [] : h.split(":")));
  const last = all.at(-1);
  const ipv4Tail = last !== undefined && IPV4.test(last);
  const hextets = ipv4Tail ? all.slice(0, -1) : all;
  if (!hextets.every((g) => HEXTET.test(g))) return false;
  const width = hextets.length + (ipv4Tail ? 2 : 0);
  return halves.length === 2 ? width <= 7 : width === 8;
}

// Usable in the browser too (no node:net): the same answer as net.isIP for the addresses people type.
export function isIpAddress(value: string): boolean {
  return IPV4.test(value) || (value.includes(":") && isIpv6Address(value));
}

export const domainNameSchema = z.object({
  name: z
    .string()
    .trim()
    .toLowerCase()
    .min(1, "Enter the domain name.")
    .regex(DNS, "A domain name such as corp.example.com."),
});

export const advancedSchema = z.object({
  kerberosRealm: z
    .string()
    .trim()
    .max(253, "At most 253 characters.")
    .regex(/^[A-Z0-9.-]*$/, "Upper-case letters, digits, dots and dashes (e.g. CORP.EXAMPLE.COM)."),
  pamServiceName: z
    .string()
    .trim()
    .max(64, "At most 64 characters.")
    .regex(/^[a-z0-9._-]*$/, "Lower-case letters, digits, dots, dashes and underscores."),
  ntDomain: z
    .string()
    .trim()
    .max(15, "A Windows NT domain name has at most 15 characters.")
    .regex(/^[A-Za-z0-9_-]*$/, "Letters, digits, dashes and underscores."),
  bindIpAddress: z
    .string()
    .trim()
    .refine((v) => v === "" || isIpAddress(v), "Enter an IPv4 or IPv6 address."),
});
export type AdvancedInput = z.input<typeof advancedSchema>;

export const directoryServiceSchema = z
  .object({
    mappingEnabled: z.boolean(),
    directoryType: z.enum([DirectoryType.ACTIVE_DIRECTORY, DirectoryType.OPEN_DIRECTORY]),
    hostname: z.string().trim().max(255, "At most 255 characters."),
    username: z.string().trim().max(512, "At most 512 characters."),
    password: z.string().max(128, "At most 128 characters."),
    useLdaps: z.boolean(),
  })
  .superRefine((v, ctx) => {
    if (!v.mappingEnabled) return;
    const m = /^([a-z0-9.-]+|\[[0-9a-f:]+\])(?::(\d{1,5}))?$/i.exec(v.hostname);
    if (!v.hostname)
      ctx.addIssue({
        code: "custom",
        path: ["hostname"],
        message: "Enter the directory server's DNS name or IP address.",
      });
    else if (!m || (m[2] && (Number(m[2]) < 1 || Number(m[2]) > 65535)))
      ctx.addIssue({
        code: "custom",
        path: ["hostname"],
        message: "A host name or IP address, with an optional :port (e.g. dc1.corp.example.com:3268).",
      });
    if (!v.username)
      ctx.addIssue({
        code: "custom",
        path: ["username"],
        message: "Enter the username of a directory administrator.",
      });
  });
export type DirectoryServiceInput = z.input<typeof directoryServiceSchema>;

export const DIRECTORY_TYPE_LABELS = {
  ACTIVE_DIRECTORY: "Microsoft Active Directory",
  OPEN_DIRECTORY: "Apple Open Directory",
} as const;
