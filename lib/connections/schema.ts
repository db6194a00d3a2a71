// The connection fields of seed 004's table, validated by this one schema in the browser and in the server
// action. No server imports.
import { z } from "zod";
import { dnError } from "@/lib/directory/dn";
import { filterError } from "@/lib/directory/filter";
import { MEMBER_ATTRIBUTES } from "@/lib/directory/presets";
import { serverUrls, serverUrlsError } from "@/lib/directory/urls";
import { loginSchema } from "@/lib/auth/login-schema";
import { DirectoryType, StatusMatchMode } from "@/lib/generated/prisma/enums";

export type StatusMode = StatusMatchMode;

export const TIMEOUT_MIN_MS = 500;
export const TIMEOUT_MAX_MS = 300_000;

const attribute = (label: string) =>
  z
    .string()
    .trim()
    .min(1, `Enter the ${label}.`)
    .max(64, "At most 64 characters.")
    .regex(
      /^(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)+)$/,
      "An LDAP attribute name: letters, digits and dashes, starting with a letter.",
    );

const dn = (label: string, options: { allowPrincipal?: boolean } = {}) =>
  z
    .string()
    .trim()
    .min(1, `Enter the ${label}.`)
    .max(512, "At most 512 characters.")
    .superRefine((value, ctx) => {
      // Active Directory also binds as user@domain (a user principal name) or DOMAIN\user.
      if (
        options.allowPrincipal &&
        !value.includes("=") &&
        /^[^@\s\\]+@[^@\s\\]+$|^[^\\\s]+\\[^\\\s]+$/.test(value)
      )
        return;
      const error = dnError(value);
      if (error) ctx.addIssue({ code: "custom", message: error });
    });

export const connectionSchema = z
  .object({
    name: z.string().trim().min(1, "Give the connection a name.").max(64, "At most 64 characters."),
    preset: z.enum(DirectoryType),
    serverUrl: z
      .string()
      .trim()
      .min(1, "Enter the server URL.")
      .max(512, "At most 512 characters.")
      .superRefine((value, ctx) => {
        const error = serverUrlsError(value);
        if (error) ctx.addIssue({ code: "custom", message: error });
      }),
    serverTimeout: z.coerce
      .number({ error: "Enter a number of milliseconds." })
      .int("A whole number of milliseconds.")
      .min(TIMEOUT_MIN_MS, `At least ${TIMEOUT_MIN_MS} ms.`)
      .max(TIMEOUT_MAX_MS, `At most ${TIMEOUT_MAX_MS} ms (5 minutes).`),
    managerDn: dn("manager DN", { allowPrincipal: true }),
    // Empty on edit keeps the stored password (it is never sent to the browser).
    managerPassword: z.string().max(128, "At most 128 characters."),
    baseDn: dn("base DN"),
    syncFilter: z
      .string()
      .trim()
      .min(1, "Enter the sync filter.")
      .max(512, "At most 512 characters.")
      .superRefine((value, ctx) => {
        const error = filterError(value);
        if (error) ctx.addIssue({ code: "custom", message: `Not a valid LDAP filter: ${error}` });
      }),
    authFilter: z
      .string()
      .trim()
      .min(1, "Enter the auth filter.")
      .max(512, "At most 512 characters.")
      .superRefine((value, ctx) => {
        if (!value.includes("{0}")) {
          ctx.addIssue({
            code: "custom",
            message: "The auth filter must contain {0}, where the sign-in name goes.",
          });
          return;
        }
        const error = filterError(value.split("{0}").join("x"));
        if (error) ctx.addIssue({ code: "custom", message: `Not a valid LDAP filter: ${error}` });
      }),
    domain: z
      .string()
      .trim()
      .min(1, "Enter the directory's domain.")
      .max(64, "At most 64 characters.")
      .regex(
        /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/,
        "A domain name such as corp.example.com.",
      ),
    accountNameField: attribute("account name field"),
    emailField: attribute("email field"),
    userPrincipalNameField: attribute("user principal name field"),
    fullNameField: attribute("full name field"),
    statusField: attribute("status field"),
    statusDisabled: z
      .string()
      .trim()
      .min(1, "Enter the value that means disabled.")
      .max(64, "At most 64 characters."),
    statusDisabledMode: z.enum(StatusMatchMode),
    // Groups. A blank Group base DN means the Base DN; values left out (a script, an older caller) are stored
    // blank and mean the preset's defaults (lib/directory/presets.ts groupSettings). The form sends all three.
    groupBaseDn: z
      .string()
      .trim()
      .max(512, "At most 512 characters.")
      .superRefine((value, ctx) => {
        const error = value ? dnError(value) : undefined;
        if (error) ctx.addIssue({ code: "custom", message: `Not a valid Group base DN: ${error}` });
      })
      .default(""),
    groupFilter: z
      .string()
      .trim()
      .min(1, "Enter the group filter, such as (objectClass=group).")
      .max(512, "At most 512 characters.")
      .superRefine((value, ctx) => {
        const error = value ? filterError(value) : undefined;
        if (error) ctx.addIssue({ code: "custom", message: `Not a valid LDAP filter: ${error}` });
      })
      .optional(),
    groupMemberAttributes: z
      .array(z.enum(MEMBER_ATTRIBUTES, { error: "Choose member, uniqueMember or memberUid." }), {
        error: "Choose at least one member attribute.",
      })
      .min(1, "Choose at least one member attribute.")
      .optional(),
    startTls: z.boolean(),
    caCertificate: z
      .string()
      .trim()
      .max(20_000, "At most 20,000 characters.")
      .refine(
        (v) => !v || /-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/.test(v),
        "Paste a PEM certificate (-----BEGIN CERTIFICATE----- …).",
      ),
  })
  .superRefine((v, ctx) => {
    if (v.startTls && serverUrls(v.serverUrl).some((u) => u.toLowerCase().startsWith("ldaps:"))) {
      ctx.addIssue({
        code: "custom",
        path: ["startTls"],
        message: "StartTLS is for ldap:// URLs; ldaps:// is encrypted already.",
      });
    }
    if (v.statusDisabledMode === "BIT_SET" && !/^\d+$/.test(v.statusDisabled)) {
      ctx.addIssue({
        code: "custom",
        path: ["statusDisabled"],
        message:
          "With “bit set”, enter the bit value as a number " + "(2 for Active Directory's ACCOUNTDISABLE).",
      });
    }
  });

export type ConnectionInput = z.input<typeof connectionSchema>;
export type ConnectionValues = z.output<typeof connectionSchema>;

/** A new connection needs its manager password. */
export const newConnectionSchema = connectionSchema.superRefine((v, ctx) => {
  if (!v.managerPassword)
    ctx.addIssue({ code: "custom", path: ["managerPassword"], message: "Enter the manager password." });
});

/** "Test sign-in": the dialog's (possibly unsaved) connection values, and the login and password to try. */
export const signInTestSchema = z.object({
  connection: connectionSchema,
  login: loginSchema.shape.login,
  password: loginSchema.shape.password,
});

export const connectionIdSchema = z.object({ connectionId: z.uuid() });

export const FIELD_HELP: Record<string, { label: string; help: string; max?: number }> = {
  serverUrl: {
    label: "Server URL",
    help:
      "The address of the server running LDAP. LDAP over TLS is also supported. Example: " +
      "ldap://ldap.xy-company.com. Several servers (failover): list their URLs separated by spaces, " +
      "e.g. ldaps://dc1.corp.example.com ldaps://dc2.corp.example.com; they are tried in order, each " +
      "within the Server Timeout, and the next one is used when a server refuses or does not answer.",
  },
  serverTimeout: {
    label: "Server Timeout",
    help:
      "The amount of time (in milliseconds) that the platform will wait when attempting to connect to " +
      "or read data from the LDAP server.",
  },
  managerDn: {
    label: "Manager DN",
    max: 512,
    help:
      "The Distinguished Name (DN) of the 'manager' user who has privileges to perform LDAP " +
      "authentication and synchronisation and browse the Base DN. Active Directory also accepts " +
      "user@domain.",
  },
  managerPassword: {
    label: "Manager password",
    max: 128,
    help:
      "The password for the 'manager' user who has privileges to perform LDAP authentication and " +
      "synchronisation and browse the Base DN.",
  },
  baseDn: {
    label: "Base DN",
    max: 512,
    help:
      "The root node in LDAP from which the platform finds users and groups. Example: " +
      "ou=users,dc=xy-company,dc=com",
  },
  syncFilter: {
    label: "Sync filter",
    max: 512,
    help:
      "The filter used to specify which users will be synchronised based on their LDAP path and " +
      "attributes. Examples: (memberOf=CN=groupName,OU=users,DC=xy-company,DC=com) · " +
      "(&(objectclass=user)(objectcategory=person)) · " +
      "(&(&(objectclass=user)(objectcategory=person))(mail=*@xy-company.com))",
  },
  authFilter: {
    label: "Auth filter",
    max: 512,
    help:
      "The LDAP field against which the platform matches the email address of a user when they " +
      "authenticate. Example: userPrincipalName={0}",
  },
  domain: { label: "Domain", max: 64, help: "The domain for the LDAP user directory." },
  accountNameField: {
    label: "Account Name",
    max: 64,
    help:
      "The LDAP field used to specify an additional/other name for users. Example: sAMAccountName. " +
      "This field is required for internal platform functionality.",
  },
  emailField: {
    label: "Email Field",
    max: 64,
    help:
      "The LDAP field used to specify the email address for users. Example: mail. Each email address " +
      "from this field defines a user's identity and forms part of the user's sign-in credentials.",
  },
  userPrincipalNameField: {
    label: "User Principal Name",
    max: 64,
    help:
      "The LDAP field used to specify the external user identifier for users. Example: " +
      "userPrincipalName. This field is required for internal platform functionality.",
  },
  fullNameField: {
    label: "Full name field",
    max: 64,
    help: "The LDAP field used to specify the name of users. Example: name",
  },
  statusField: {
    label: "Status field",
    max: 64,
    help:
      "The LDAP field used by the platform to determine whether or not a user is disabled. Example: " +
      "userAccountControl",
  },
  statusDisabled: {
    label: "Status disabled",
    max: 64,
    help: "The value of the Status field (in the LDAP directory) to indicate that a user is disabled.",
  },
  groupBaseDn: {
    label: "Group base DN",
    max: 512,
    help:
      "Where the platform finds groups. Leave empty to search the Base DN. Example: " +
      "ou=groups,dc=xy-company,dc=com",
  },
  groupFilter: {
    label: "Group filter",
    max: 512,
    help:
      "Which entries are groups. Examples: (objectClass=group) · " +
      "(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)(objectClass=posixGroup))",
  },
  groupMemberAttributes: {
    label: "Member attribute",
    help:
      "Where a group lists its members: member and uniqueMember hold the members' DNs (a member that is " +
      "itself a group is expanded: its members belong to this group too); memberUid holds account names, " +
      "matched through the Account Name field.",
  },
};

/** How and when a connection is synchronised (not part of seed 004's table; defaults from DESIGN.md). */
export const syncSettingsSchema = z.object({
  syncIntervalMinutes: z.coerce
    .number({ error: "Enter a number of minutes." })
    .int("Whole minutes.")
    .min(1, "At least 1 minute.")
    .max(1440, "At most 1440 minutes (a day)."),
  fullSyncIntervalMinutes: z.coerce
    .number({ error: "Enter a number of minutes." })
    .int("Whole minutes.")
    .min(5, "At least 5 minutes.")
    .max(10080, "At most 10080 minutes (a week)."),
  disableThresholdPercent: z.coerce
    .number({ error: "Enter a percentage." })
    .int("A whole percentage.")
    .min(1, "At least 1%.")
    .max(100, "At most 100%."),
  disableThresholdCount: z.coerce
    .number({ error: "Enter a number of users." })
    .int("A whole number.")
    .min(1, "At least 1.")
    .max(1_000_000, "At most 1,000,000."),
  debugLogging: z.boolean(),
});
export type SyncSettingsInput = z.input<typeof syncSettingsSchema>;
