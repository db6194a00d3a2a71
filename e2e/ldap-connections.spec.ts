import type { Locator } from "@playwright/test";
import { db } from "../test/db";
import { expect, test } from "./fixtures";
import { verifyDomain } from "../test/factories";
import { startSlapd, type Slapd } from "../test/ldap/slapd";

let slapd: Slapd;
test.beforeAll(async () => {
  slapd = await startSlapd({
    users: [
      { uid: "alice", cn: "Alice Anders", mail: "alice@example.com", password: "alice-pw" },
      { uid: "bob", cn: "Bob Brown", mail: "bob@example.com", password: "bob-pw", employeeType: "disabled" },
    ],
    // team is nested in everyone: alice is a direct member of team and an inherited one of everyone.
    extraLdif: [
      "dn: cn=team,ou=groups,dc=example,dc=com\nobjectClass: groupOfNames\ncn: team",
      "member: uid=alice,ou=people,dc=example,dc=com",
      "",
      "dn: cn=everyone,ou=groups,dc=example,dc=com\nobjectClass: groupOfNames\ncn: everyone",
      "member: cn=team,ou=groups,dc=example,dc=com",
    ].join("\n"),
  });
});
test.afterAll(async () => slapd?.stop());

async function fillConnection(dialog: Locator, name: string, overrides: Record<string, string> = {}) {
  await dialog.getByLabel("Directory type").selectOption({ label: "OpenLDAP" });
  const values: Record<string, string> = {
    "Connection name": name,
    "Server URL": slapd.url,
    "Server Timeout": "3000",
    "Manager DN": slapd.managerDn,
    "Manager password": slapd.managerPassword,
    "Base DN": `ou=people,${slapd.baseDn}`,
    Domain: "example.com",
    ...overrides,
  };
  for (const [label, value] of Object.entries(values))
    await dialog.getByLabel(label, { exact: true }).fill(value);
}

// The directory's people are at example.com: this organisation's verified domain.
test.beforeEach(async ({ org }) => {
  await verifyDomain(org, "example.com");
});

test("add with validation, test in the dialog, save, edit keeping the password, toggle and delete", async ({
  signedInPage: page,
  org,
}) => {
  await page.goto(`/org/${org.slug}/ldap`);
  await expect(page.getByText("No LDAP connections yet")).toBeVisible();
  await page.getByRole("button", { name: "Add LDAP Connection" }).click();
  const dialog = page.getByRole("dialog", { name: "Add LDAP connection" });

  // Every seed field is there, with its help beside it.
  for (const label of [
    "Server URL",
    "Server Timeout",
    "Manager DN",
    "Manager password",
    "Base DN",
    "Sync filter",
    "Auth filter",
    "Domain",
    "Account Name",
    "Email Field",
    "User Principal Name",
    "Full name field",
    "Status field",
    "Status disabled",
  ]) {
    await expect(dialog.getByLabel(label, { exact: true })).toBeVisible();
  }
  await expect(dialog.getByLabel("Manager DN", { exact: true })).toHaveAttribute("maxlength", "512");
  await expect(dialog.getByLabel("Manager password", { exact: true })).toHaveAttribute("maxlength", "128");
  await expect(dialog.getByLabel("Domain", { exact: true })).toHaveAttribute("maxlength", "64");
  await expect(
    dialog.getByText("The root node in LDAP from which the platform finds users and groups.", {
      exact: false,
    }),
  ).toBeVisible();

  // Each kind of bad input, on its field.
  await fillConnection(dialog, "Head office", {
    "Server URL": "http://ldap.example.com",
    "Server Timeout": "12.5",
    "Manager DN": "admin",
    "Base DN": "ou=people,",
    "Sync filter": "(&(objectClass=person)",
    "Auth filter": "(mail=alice)",
    "Email Field": "e mail",
  });
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog.getByText("The URL must start with ldap:// or ldaps://.")).toBeVisible();
  await expect(dialog.getByText("A whole number of milliseconds.")).toBeVisible();
  const notADn = "“admin” has no “=”: each part of a DN is name=value.";
  await expect(dialog.getByText(notADn)).toBeVisible();
  await expect(dialog.getByText("The DN ends with a separator.")).toBeVisible();
  await expect(dialog.getByText(/Not a valid LDAP filter: A “\)” is missing/)).toBeVisible();
  await expect(
    dialog.getByText("The auth filter must contain {0}, where the sign-in name goes."),
  ).toBeVisible();
  await expect(dialog.getByText(/An LDAP attribute name/)).toBeVisible();
  expect(await db.ldapConnection.count({ where: { organizationId: org.id } })).toBe(0);

  await fillConnection(dialog, "Head office", { "Manager password": "wrong-password" });
  await dialog.getByLabel("Sync filter", { exact: true }).fill("(objectClass=inetOrgPerson)");
  await dialog.getByLabel("Auth filter", { exact: true }).fill("(|(mail={0})(uid={0}))");
  await dialog.getByLabel("Email Field", { exact: true }).fill("mail");
  await dialog.getByRole("button", { name: "Test connection" }).click();
  await expect(dialog.getByRole("status", { name: "Test result" })).toContainText("Invalid credentials");
  await dialog.getByLabel("Manager password", { exact: true }).fill(slapd.managerPassword);
  await dialog.getByRole("button", { name: "Test connection" }).click();
  const result = dialog.getByRole("status", { name: "Test result" });
  await expect(result).toContainText("2 entries match the Sync filter");
  await expect(result).toContainText("bob@example.com");
  await expect(result.getByRole("row", { name: /bob/ })).toContainText("Disabled");
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();

  const row = page.getByRole("listitem", { name: "Head office" });
  await expect(row).toContainText(slapd.url);
  await expect(row.getByRole("switch", { name: "Head office: Enabled" })).toBeVisible();

  // Edit: the password is not in the page; left empty, it stays.
  await row.getByRole("button", { name: "Edit" }).click();
  const edit = page.getByRole("dialog", { name: "Edit LDAP connection" });
  await expect(edit.getByLabel("Manager password", { exact: true })).toHaveValue("");
  expect(await page.content()).not.toContain(slapd.managerPassword);
  await edit.getByLabel("Connection name").fill("Head office LDAP");
  await edit.getByRole("button", { name: "Save" }).click();
  await expect(edit).toBeHidden();
  const renamed = page.getByRole("listitem", { name: "Head office LDAP" });
  await renamed.getByRole("button", { name: "Test connection" }).click();
  await expect(page.getByRole("dialog", { name: "Test of Head office LDAP" })).toContainText(
    "2 entries match",
  );
  await page.keyboard.press("Escape");

  // One click disables, and says what it means; another enables.
  await renamed.getByRole("switch").click();
  await expect(renamed.getByRole("switch", { name: "Head office LDAP: Disabled" })).toBeVisible();
  await expect(page.getByText("no more synchronisation; its users can still sign in")).toBeVisible();
  await renamed.getByRole("switch").click();
  await expect(renamed.getByRole("switch", { name: "Head office LDAP: Enabled" })).toBeVisible();

  // Delete asks first.
  await renamed.getByRole("button", { name: "Delete" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Cancel" }).click();
  await expect(renamed).toBeVisible();
  await renamed.getByRole("button", { name: "Delete" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Delete connection" }).click();
  await expect(page.getByText("No LDAP connections yet")).toBeVisible();
});

test("several connections in an order the administrator changes", async ({ signedInPage: page, org }) => {
  await page.goto(`/org/${org.slug}/ldap`);
  for (const name of ["First directory", "Second directory"]) {
    await page.getByRole("button", { name: "Add LDAP Connection" }).click();
    const dialog = page.getByRole("dialog", { name: "Add LDAP connection" });
    await fillConnection(dialog, name);
    await dialog.getByRole("button", { name: "Save" }).click();
    await expect(dialog).toBeHidden();
  }
  const items = page.getByRole("list", { name: /LDAP connections/ }).getByRole("listitem");
  await expect(items).toHaveText([/First directory/, /Second directory/]);
  await page.getByRole("button", { name: "Move Second directory up" }).click();
  await expect(items).toHaveText([/Second directory/, /First directory/]);
});

// The organisation administrator then reviews it.
test("a directory administrator fills in a connection through a one-time link", async ({
  signedInPage: page,
  org,
  browser,
}) => {
  await page.goto(`/org/${org.slug}/ldap`);
  await page.getByRole("button", { name: "Link for a directory administrator" }).click();
  const linkDialog = page.getByRole("dialog", { name: "Link for a directory administrator" });
  await linkDialog.getByLabel(/Note for the directory administrator/).fill("Please connect the head office");
  await linkDialog.getByRole("button", { name: "Create link" }).click();
  const url = await linkDialog.getByLabel("Send this link").inputValue();
  expect(url).toMatch(/\/connect\/[\w-]{40,}$/);
  await linkDialog.getByRole("button", { name: "Done" }).click();

  const context = await browser.newContext();
  const da = await context.newPage();
  await da.goto(url);
  await expect(da.getByRole("heading", { name: /Connect your directory to/ })).toBeVisible();
  await expect(da.getByText("Please connect the head office")).toBeVisible();
  const form = da.locator("form");
  await fillConnection(form, "Sent by the directory administrator");
  await form.getByRole("button", { name: "Test connection" }).click();
  await expect(form.getByRole("status", { name: "Test result" })).toContainText("2 entries match");
  await form.getByRole("button", { name: "Send for review" }).click();
  await expect(da.getByText("Sent for review")).toBeVisible();
  await da.goto(url);
  await expect(da.getByRole("heading", { name: "This link has been used already" })).toBeVisible();
  await context.close();

  await page.reload();
  const row = page.getByRole("listitem", { name: "Sent by the directory administrator" });
  await expect(row).toContainText("Awaiting review");
  await expect(row.getByRole("switch")).toHaveText("Disabled");
  await row.getByRole("switch").click();
  await expect(row.getByRole("switch")).toHaveText("Enabled");
  await expect(row).not.toContainText("Awaiting review");
});

test("an invalid link says so", async ({ page }) => {
  await page.goto("/connect/not-a-real-token-at-all-xxxxxxxxxxxxxxxx");
  await expect(page.getByRole("heading", { name: "This link is not valid" })).toBeVisible();
});

test("group settings are checked, tested and saved; the user page lists direct and inherited groups", async ({
  signedInPage: page,
  org,
}) => {
  await page.goto(`/org/${org.slug}/ldap`);
  await page.getByRole("button", { name: "Add LDAP Connection" }).click();
  const dialog = page.getByRole("dialog", { name: "Add LDAP connection" });
  await expect(dialog.getByRole("group", { name: "Groups" })).toContainText("Nested groups are expanded");
  await fillConnection(dialog, "Groups office", {
    "Group base DN": "ou=groups,",
    "Group filter": "(objectClass=groupOfNames",
  });
  await dialog.getByRole("checkbox", { name: /^memberUid/ }).uncheck();
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog.getByText("Not a valid Group base DN: The DN ends with a separator.")).toBeVisible();
  await expect(dialog.getByText(/Not a valid LDAP filter: A “\)” is missing/)).toBeVisible();

  await dialog.getByLabel("Group base DN", { exact: true }).fill(`ou=groups,${slapd.baseDn}`);
  await dialog
    .getByLabel("Group filter", { exact: true })
    .fill("(|(objectClass=groupOfNames)(objectClass=group))");
  await dialog.getByRole("button", { name: "Test connection" }).click();
  await expect(dialog.getByRole("status", { name: "Test result" })).toContainText(
    "Groups: 2 groups match the Group filter.",
  );
  await dialog.getByRole("button", { name: "Save" }).click();
  await expect(dialog).toBeHidden();
  const saved = await db.ldapConnection.findFirstOrThrow({
    where: { organizationId: org.id, name: "Groups office" },
    select: { groupBaseDn: true, groupFilter: true, groupMemberAttributes: true },
  });
  expect(saved).toEqual({
    groupBaseDn: `ou=groups,${slapd.baseDn}`,
    groupFilter: "(|(objectClass=groupOfNames)(objectClass=group))",
    groupMemberAttributes: ["member", "uniqueMember"],
  });

  const row = page.getByRole("listitem", { name: "Groups office" });
  await row.getByRole("button", { name: "Edit" }).click();
  const edit = page.getByRole("dialog", { name: "Edit LDAP connection" });
  await expect(edit.getByLabel("Group base DN", { exact: true })).toHaveValue(`ou=groups,${slapd.baseDn}`);
  await expect(edit.getByRole("checkbox", { name: /^memberUid/ })).not.toBeChecked();
  await page.keyboard.press("Escape");

  await row.getByRole("button", { name: "Sync now" }).click();
  await expect(row).toContainText("2 created", { timeout: 30_000 });
  const alice = await db.user.findUniqueOrThrow({
    where: { email: "alice@example.com" },
    select: { id: true },
  });
  await page.goto(`/org/${org.slug}/users/${alice.id}`);
  const groups = page.getByRole("list", { name: "Groups" });
  await expect(groups.getByRole("listitem")).toHaveText([
    "team direct member",
    "everyone inherited through team",
  ]);
});
