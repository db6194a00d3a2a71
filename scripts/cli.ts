// Operators' command line: `npm run cli -- <command>`. It uses the same services as the console.
//   org create <slug> <name>
//   user create <email> --org <slug> --role <role> [--role <role>] [--name <name>] [--password <pw>]
//   admin reset-password <email> [--password <pw>]     break-glass when every directory is down
//   users <slug> [--json]
//   connection add <org-slug> --json <file>   prints the new connection's id
//   connection test <connection-id>
//   connection list <org-slug> [--json]
//   domain add <org-slug> <domain>                   claims a domain; prints the TXT record to publish
//   domain verify <org-slug> <domain> [--approve]    DNS check, or --approve as a platform administrator
//   domain approve-address <org-slug> <domain>       approves the domain's bind address
//   domain list <org-slug> [--json]
//   db migrate
import crypto from "node:crypto";
import { parseArgs } from "node:util";
import { ensureDevSecrets } from "./lib/secrets.ts";
import { prepareDatabase } from "./lib/database.ts";

const USAGE = `Usage: npm run cli -- <command>
  org create <slug> <name>
  user create <email> --org <slug> --role ORIGINATOR|COLLABORATOR|ORG_ADMIN [--name <name>] [--password <pw>]
  admin reset-password <email> [--password <pw>]
  users <org-slug> [--json]
  connection add <org-slug> --json <file>
  connection test <connection-id>
  connection list <org-slug> [--json]
  domain add <org-slug> <domain>
  domain verify <org-slug> <domain> [--approve]   DNS TXT check; --approve: platform approval without DNS
  domain approve-address <org-slug> <domain>      platform approval of the domain's bind address
  domain list <org-slug> [--json]
  sync <org-slug> [--connection <id>] [--dry-run]
  transfer <from-email> <to-email>
  demo-directory disable|enable <uid>        change a user in the running demo directory (npm run dev)
  files check [--remove-orphans]             stored bytes without a file row, file rows without bytes
  db migrate`;

class CliError extends Error {}

async function main(argv: string[]): Promise<number> {
  // `--json` is a flag for listings and takes a file for `connection add`.
  const args = argv.map((a, i) =>
    a === "--json" && (i === argv.length - 1 || argv[i + 1].startsWith("--")) ? "--json=" : a,
  );
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      org: { type: "string" },
      role: { type: "string", multiple: true },
      name: { type: "string" },
      password: { type: "string" },
      json: { type: "string" },
      help: { type: "boolean", short: "h" },
      connection: { type: "string" },
      "dry-run": { type: "boolean" },
      "remove-orphans": { type: "boolean" },
      approve: { type: "boolean" },
    },
  });
  const [cmd, sub, ...rest] = positionals;
  if (!cmd || values.help) {
    console.log(USAGE);
    return cmd ? 0 : 1;
  }
  ensureDevSecrets();
  const database = await prepareDatabase(() => {});
  const { db } = await import("@/lib/db");
  try {
    const key = `${cmd} ${sub ?? ""}`.trim();
    if (key === "db migrate") {
      console.log("database is up to date");
    } else if (key === "org create") {
      const { organizationSchema } = await import("@/lib/organizations/schema");
      const { createOrganization } = await import("@/lib/organizations/service");
      const input = parseOrFail(organizationSchema, { slug: rest[0], name: rest.slice(1).join(" ") });
      const org = await createOrganization(null, input);
      console.log(`created organisation ${org.slug} (${org.id})`);
    } else if (key === "user create") {
      const { createLocalUserSchema } = await import("@/lib/users/schema");
      const { createLocalUser } = await import("@/lib/users/service");
      if (!values.org) throw new CliError("--org <slug> is required");
      const org = await db.organization.findUnique({ where: { slug: values.org }, select: { id: true } });
      if (!org) throw new CliError(`no organisation ${values.org}`);
      const generated = values.password ? undefined : crypto.randomBytes(12).toString("base64url");
      const email = rest[0] ?? "";
      const input = parseOrFail(createLocalUserSchema, {
        email,
        name: values.name ?? email.split("@")[0],
        password: values.password ?? generated,
        roles: (values.role ?? ["ORIGINATOR"]).map((r) => r.toUpperCase().replace(/-/g, "_")),
      });
      const user = await createLocalUser({ actorId: null, organizationId: org.id }, input);
      console.log(`created ${user.email} (${user.id})${generated ? `, password: ${generated}` : ""}`);
    } else if (key === "admin reset-password") {
      const { resetPassword } = await import("@/lib/users/service");
      const { newPasswordField } = await import("@/lib/users/schema");
      const password = values.password ?? crypto.randomBytes(15).toString("base64url");
      parseOrFail(newPasswordField, password);
      await resetPassword(rest[0] ?? "", password);
      console.log(`password of ${rest[0]} reset${values.password ? "" : `: ${password}`}`);
    } else if (key === "connection add") {
      const fs = await import("node:fs");
      const { newConnectionSchema } = await import("@/lib/connections/schema");
      const { createConnection, setConnectionEnabled } = await import("@/lib/connections/service");
      const { PRESETS } = await import("@/lib/directory/presets");
      const org = await orgBySlug(rest[0]);
      if (!values.json) throw new CliError("--json <file> is required");
      const raw = JSON.parse(fs.readFileSync(values.json, "utf8")) as Record<string, unknown>;
      const preset = (raw.preset as keyof typeof PRESETS | undefined) ?? "OPENLDAP";
      const input = parseOrFail(newConnectionSchema, {
        preset,
        statusDisabledMode: PRESETS[preset]?.statusDisabledMode ?? "EQUALS",
        // The group settings default to the preset's, the Group base DN to the Base DN.
        groupBaseDn: "",
        groupFilter: PRESETS[preset]?.groupFilter,
        groupMemberAttributes: PRESETS[preset]?.groupMemberAttributes,
        startTls: false,
        caCertificate: "",
        ...raw,
      });
      const connection = await createConnection({ actorId: null, organizationId: org.id }, input);
      if (raw.enabled === false)
        await setConnectionEnabled({ actorId: null, organizationId: org.id }, connection.id, false);
      console.log(connection.id);
    } else if (key === "connection test") {
      const { testStoredConnection } = await import("@/lib/connections/service");
      const c = await db.ldapConnection.findUnique({
        where: { id: uuidOrFail(rest[0]) },
        select: { organizationId: true },
      });
      if (!c) throw new CliError(`no connection ${rest[0]}`);
      const result = await testStoredConnection(
        { actorId: null, organizationId: c.organizationId },
        uuidOrFail(rest[0]),
      );
      console.log(result.message);
      if (result.server)
        console.log(
          `server: ${result.server.vendor}; paged results ` +
            `${result.server.pagedResults ? "supported" : "not announced"}`,
        );
      if (result.ok)
        for (const s of result.samples)
          console.log(
            `  ${s.accountName ?? "-"}\t${s.email ?? "(no email)"}\t${s.fullName ?? "-"}\t` +
              (s.disabled ? "disabled" : "enabled"),
          );
      for (const h of result.hints) console.log(`hint: ${h}`);
      return result.ok ? 0 : 3;
    } else if (key === "connection list") {
      const { listConnections } = await import("@/lib/connections/queries");
      const org = await orgBySlug(rest[0]);
      const rows = (await listConnections(org.id)).map(({ _count, ...c }) => ({ ...c, users: _count.users }));
      if (values.json !== undefined) console.log(JSON.stringify(rows, null, 2));
      else
        for (const c of rows)
          console.log(
            `${c.id}\t${c.enabled ? "enabled " : "disabled"}\t${c.name}\t${c.serverUrl}\t${c.baseDn}`,
          );
    } else if (cmd === "domain" && sub) {
      return await domainCommand(sub, rest, values);
    } else if (cmd === "sync" && sub) {
      const org = await orgBySlug(sub);
      const { syncConnection } = await import("@/lib/sync/engine");
      const connections = await db.ldapConnection.findMany({
        where: {
          organizationId: org.id,
          ...(values.connection
            ? { id: uuidOrFail(values.connection) }
            : { enabled: true, awaitingReview: false }),
        },
        orderBy: { position: "asc" },
        select: { id: true, name: true },
      });
      if (connections.length === 0)
        throw new CliError(
          values.connection
            ? `no connection ${values.connection} in ${sub}`
            : `no enabled connection in ${sub}`,
        );
      let failed = false;
      for (const c of connections) {
        const outcome = await syncConnection(c.id, {
          trigger: "CLI",
          dryRun: values["dry-run"],
          onProgress: (n) => process.stderr.write(`\r${c.name}: ${n} entries read`),
        });
        process.stderr.write("\n");
        const k = outcome.counts;
        console.log(
          `${c.name}: ${outcome.status.toLowerCase()} ` +
            `(${outcome.kind.toLowerCase()}${values["dry-run"] ? ", dry run" : ""}) read ` +
            `${k.entriesRead}, created ${k.created}, updated ${k.updated}, unchanged ${k.unchanged}, ` +
            `disabled ${k.disabled}, pending transfer ${k.pendingTransfer}, re-enabled ${k.reenabled}`,
        );
        if (outcome.error) console.log(`  error: ${outcome.error}`);
        if (outcome.heldReason) console.log(`  held: ${outcome.heldReason}`);
        for (const w of outcome.warnings.slice(0, 20)) console.log(`  warning: ${w}`);
        if (outcome.plan)
          for (const [what, items] of Object.entries(outcome.plan))
            for (const i of items.slice(0, 50))
              console.log(`  would ${what}: ${i.email}${i.reason ? ` (${i.reason})` : ""}`);
        failed ||= outcome.status === "FAILED";
      }
      return failed ? 3 : 0;
    } else if (cmd === "demo-directory" && (sub === "disable" || sub === "enable") && rest[0]) {
      const demo = await import("./lib/demo-directory.ts");
      const { Client, Change, Attribute } = await import("ldapts");
      const client = new Client({
        url: `ldap://127.0.0.1:${process.env.DEMO_LDAP_PORT ?? 1389}`,
        timeout: 5000,
        connectTimeout: 5000,
      });
      try {
        await client.bind(demo.DEMO_MANAGER_DN, demo.DEMO_MANAGER_PASSWORD);
        await client.modify(`uid=${rest[0]},ou=people,${demo.DEMO_BASE_DN}`, [
          new Change({
            operation: "replace",
            modification: new Attribute({
              type: "employeeType",
              values: [sub === "disable" ? "disabled" : "staff"],
            }),
          }),
        ]);
      } catch (error) {
        throw new CliError(
          `The demo directory (is \`npm run dev\` running?) refused: ${(error as Error).message}`,
        );
      } finally {
        await client.unbind().catch(() => {});
      }
      console.log(
        `${rest[0]} is ${sub}d in the demo directory. Sync now on the LDAP Connections page (or ` +
          "wait for the scheduler) to see the effect.",
      );
    } else if (key === "files check") {
      const { checkStorage } = await import("@/lib/files/service");
      const result = await checkStorage({ removeOrphans: values["remove-orphans"] });
      console.log(`${result.files} files in the database`);
      for (const m of result.missing) console.log(`  missing bytes: ${m.name} (${m.id}), owner ${m.owner}`);
      console.log(
        `${result.orphans.length} stored without a file row` +
          (result.orphans.length && values["remove-orphans"]
            ? ": removed"
            : result.orphans.length
              ? " (--remove-orphans deletes them)"
              : ""),
      );
      if (result.missing.length) return 1;
    } else if (cmd === "transfer" && sub) {
      const { transferOwnership } = await import("@/lib/transfers/service");
      const [from, to] = await Promise.all(
        [sub, rest[0]].map((e) =>
          db.user.findUnique({
            where: { email: (e ?? "").toLowerCase() },
            select: { id: true, memberships: { select: { organizationId: true } } },
          }),
        ),
      );
      if (!from || !to) throw new CliError(`no account ${!from ? sub : rest[0]}`);
      const shared = from.memberships
        .map((m) => m.organizationId)
        .find((o) => to.memberships.some((m) => m.organizationId === o));
      if (!shared) throw new CliError("the two accounts share no organisation");
      const result = await transferOwnership({ actorId: null, organizationId: shared }, from.id, to.id);
      console.log(`${result.files} files moved from ${result.from} to ${result.to}`);
    } else if (cmd === "users" && sub) {
      const org = await db.organization.findUnique({ where: { slug: sub }, select: { id: true } });
      if (!org) throw new CliError(`no organisation ${sub}`);
      const rows = await db.membership.findMany({
        where: { organizationId: org.id },
        orderBy: { user: { email: "asc" } },
        select: {
          roles: true,
          plan: { select: { name: true } },
          user: { select: { email: true, name: true, source: true, status: true } },
        },
      });
      const out = rows.map((r) => ({
        email: r.user.email,
        name: r.user.name,
        source: r.user.source,
        status: r.user.status,
        roles: r.roles,
        plan: r.plan.name,
      }));
      if (values.json !== undefined) console.log(JSON.stringify(out, null, 2));
      else
        for (const u of out)
          console.log(`${u.email}\t${u.name}\t${u.source}\t${u.status}\t${u.roles.join(",")}\t${u.plan}`);
    } else {
      throw new CliError(`unknown command: ${positionals.join(" ")}\n${USAGE}`);
    }
    return 0;
  } finally {
    await db.$disconnect();
    await database.stop();
  }
}

// The operator at the command line acts as a platform administrator (as `org create` does).
const OPERATOR = { id: null, isPlatformAdmin: true };

async function domainCommand(
  sub: string,
  [slug, name]: string[],
  values: { json?: string; approve?: boolean },
): Promise<number> {
  const { db } = await import("@/lib/db");
  const verification = await import("@/lib/identity/verification");
  const org = await orgBySlug(slug);
  const ctx = { actorId: null, organizationId: org.id };
  if (sub === "list") {
    const { listDomains } = await import("@/lib/domains/service");
    const rows = (await listDomains(org.id)).map((d) => ({
      name: d.name,
      verification: d.verifiedAt ? "verified" : d.verifiedElsewhere ? "verified elsewhere" : "not verified",
      method: d.verificationMethod,
      verifiedAt: d.verifiedAt,
      record: verification.challengeOf(d),
      ntDomain: d.ntDomain,
      bindIpAddress: d.bindIpAddress,
      bindIpApproved: d.bindIpAddress ? d.bindIpApprovedAt !== null : null,
    }));
    if (values.json !== undefined) console.log(JSON.stringify(rows, null, 2));
    else
      for (const d of rows)
        console.log(
          [
            d.name,
            d.method ? `${d.verification} (${d.method.toLowerCase()})` : d.verification,
            `TXT ${d.record.recordName} "${d.record.value}"`,
            d.ntDomain ?? "-",
            d.bindIpAddress
              ? `${d.bindIpAddress} ${d.bindIpApproved ? "approved" : "awaiting approval"}`
              : "-",
          ].join("\t"),
        );
    return 0;
  }
  const { domainNameSchema } = await import("@/lib/domains/schema");
  const domainName = parseOrFail(domainNameSchema, { name }).name;
  if (sub === "add") {
    const claimed = await verification.claimDomain(ctx, domainName);
    const { recordName, value } = verification.challengeOf(
      await db.domain.findUniqueOrThrow({ where: { id: claimed.id } }),
    );
    console.log(`claimed ${domainName} for ${slug} (${claimed.id})`);
    if (claimed.verifiedElsewhere)
      console.log(`note: ${domainName} is verified by another organisation; it cannot be verified here`);
    else console.log(`publish: ${recordName} TXT "${value}", then: domain verify ${slug} ${domainName}`);
    return 0;
  }
  const domain = await db.domain.findUnique({
    where: { organizationId_name: { organizationId: org.id, name: domainName } },
    select: { id: true },
  });
  if (!domain) throw new CliError(`no domain ${domainName} in ${slug}`);
  if (sub === "verify") {
    const outcome = values.approve
      ? await verification.approveDomain(OPERATOR, domain.id)
      : await verification.verifyByDns(ctx, domain.id);
    console.log(outcome.message);
    return outcome.verified ? 0 : 3;
  }
  if (sub === "approve-address") {
    await verification.approveBindAddress(OPERATOR, domain.id);
    console.log(`bind address of ${domainName} approved`);
    return 0;
  }
  throw new CliError(`unknown command: domain ${sub}\n${USAGE}`);
}

async function orgBySlug(slug: string | undefined) {
  const { db } = await import("@/lib/db");
  const org = slug ? await db.organization.findUnique({ where: { slug }, select: { id: true } }) : null;
  if (!org) throw new CliError(`no organisation ${slug ?? "(missing slug)"}`);
  return org;
}

function uuidOrFail(value: string | undefined): string {
  if (!value || !/^[0-9a-f-]{36}$/i.test(value))
    throw new CliError(`not a connection id: ${value ?? "(missing)"}`);
  return value;
}

function parseOrFail<T>(
  schema: {
    safeParse: (
      v: unknown,
    ) =>
      | { success: true; data: T }
      | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };
  },
  value: unknown,
): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new CliError(
      parsed.error.issues.map((i) => `${i.path.join(".") || "value"}: ${i.message}`).join("\n"),
    );
  return parsed.data;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    if (error instanceof CliError || (error as { name?: string }).name === "UserError")
      console.error(`error: ${(error as Error).message}`);
    else console.error(error);
    process.exit(1);
  },
);
