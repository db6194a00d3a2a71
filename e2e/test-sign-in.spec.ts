import { expect, test } from "./fixtures";
import { connectTo, uid, verifyDomain } from "../test/factories";
import { startSlapd, type Slapd } from "../test/ldap/slapd";

// The connection dialog's "Test sign-in": a correct and a wrong password, each step shown, nothing saved.
let slapd: Slapd;
const domain = `tsi${uid()}.example`;
test.beforeAll(async () => {
  slapd = await startSlapd({
    users: [{ uid: "tess", cn: "Tess Tester", mail: `tess@${domain}`, password: "Tess-directory-pw" }],
  });
});
test.afterAll(async () => slapd?.stop());

test("an administrator tests a person's sign-in from the connection dialog", async ({
  signedInPage,
  org,
}) => {
  const page = signedInPage;
  await verifyDomain(org, domain);
  await connectTo(slapd, org, { name: "Tested directory", domain, baseDn: slapd.baseDn });
  await page.goto(`/org/${org.slug}/ldap`);
  await page
    .getByRole("listitem", { name: "Tested directory" })
    .getByRole("button", { name: "Edit" })
    .click();
  const dialog = page.getByRole("dialog", { name: "Edit LDAP connection" });

  await dialog.getByLabel("Test login").fill(`tess@${domain}`);
  await dialog.getByLabel("Test password").fill("Tess-directory-pw");
  await dialog.getByRole("button", { name: "Test sign-in" }).click();
  const result = dialog.getByRole("status", { name: "Sign-in test result" });
  await expect(result).toContainText("This person can sign in.");
  await expect(result).toContainText(`Bind as the manager: Bound as ${slapd.managerDn} at ${slapd.url}`);
  await expect(result).toContainText(`(mail=tess@${domain})`);
  await expect(result).toContainText(`Entry found: uid=tess,ou=people,${slapd.baseDn}`);
  await expect(result).toContainText("Bind as the user: The directory accepted the password");
  await expect(result).toContainText("Tess Tester");
  // The password is gone from the page once used.
  await expect(dialog.getByLabel("Test password")).toHaveValue("");

  await dialog.getByLabel("Test password").fill("not-her-password");
  await dialog.getByLabel("Test password").press("Enter");
  await expect(result).toContainText("This person cannot sign in.");
  await expect(result).toContainText("Bind as the user: Invalid credentials");
  // Enter ran the test, it did not save and close the dialog.
  await expect(dialog).toBeVisible();
  expect(await page.content()).not.toContain("not-her-password");
});
