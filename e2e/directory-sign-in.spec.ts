import { expect, test } from "@playwright/test";
import { db } from "../test/db";
import { connectTo, makeOrg, uid, verifyDomain } from "../test/factories";
import { uiLogin } from "./helpers/auth";
import { startSlapd, type Slapd } from "../test/ldap/slapd";
import { startSambaDc, type SambaDc } from "../test/ldap/samba";
import { PRESETS } from "../lib/directory/presets";

let slapd: Slapd;
let domain: string;
test.beforeAll(async () => {
  domain = `e${uid()}.example`;
  slapd = await startSlapd({
    users: [{ uid: "dora", cn: "Dora Directory", mail: `dora@${domain}`, password: "Dora-directory-pw" }],
  });
  const org = await makeOrg("dirsignin");
  const verified = await verifyDomain(org, domain);
  // A platform administrator approved the NT name (the domain's first label), so NT\\dora routes here.
  await db.domain.update({
    where: { id: verified.id },
    data: { ntDomain: domain.split(".")[0].toUpperCase(), ntDomainApprovedAt: new Date() },
  });
  await connectTo(slapd, org, { name: "Sign-in directory", domain, baseDn: slapd.baseDn });
});
test.afterAll(async () => slapd?.stop());

test("a directory user signs in with their directory password; the profile says who manages it", async ({
  page,
}) => {
  await uiLogin(page, `${domain.split(".")[0].toUpperCase()}\\dora`, "wrong-password");
  await expect(page.getByRole("main").getByRole("alert")).toHaveText("Invalid credentials");
  await uiLogin(page, `${domain.split(".")[0].toUpperCase()}\\dora`, "Dora-directory-pw");
  await expect(page).toHaveURL(/\/home$/);
  await expect(page.getByRole("heading", { name: "Welcome, Dora Directory" })).toBeVisible();
  await expect(page.getByText("Source: Directory (Sign-in directory)")).toBeVisible();
  await page.goto("/account");
  await expect(
    page.getByText("Your password and your details are managed by your organisation's directory"),
  ).toBeVisible();
  await expect(page.getByLabel("Current password")).toHaveCount(0);
});

test.describe("an Active Directory password that must be changed", () => {
  let dc: SambaDc;
  let mail: string;
  test.beforeAll(async () => {
    test.setTimeout(180_000);
    mail = `ad${uid()}.example`;
    dc = await startSambaDc({ users: [{ name: "mo", password: "Mo-Passw0rd!", mail: `mo@${mail}` }] });
    dc.tool("user", "setpassword", "mo", "--newpassword=Mo-Passw0rd!", "--must-change-at-next-login");
    const org = await makeOrg("adexpiry");
    // connectTo verifies the Domain given (here the mail domain, not the UPN suffix).
    const manager = { url: dc.url, managerDn: dc.adminUpn, managerPassword: dc.adminPassword };
    await connectTo({ ...manager, baseDn: dc.baseDn }, org, {
      name: "Corp",
      preset: "ACTIVE_DIRECTORY",
      domain: mail,
      baseDn: dc.baseDn,
      ...PRESETS.ACTIVE_DIRECTORY,
      authFilter: "(userPrincipalName={0})",
    });
  });
  test.afterAll(async () => dc?.stop());

  test("the login page says to change it in the directory; a wrong password still reads Invalid credentials", async ({
    page,
  }) => {
    await uiLogin(page, `mo@${mail}`, "Wrong-Passw0rd!");
    await expect(page.getByRole("main").getByRole("alert")).toHaveText("Invalid credentials");
    await uiLogin(page, `mo@${mail}`, "Mo-Passw0rd!");
    await expect(page.getByRole("main").getByRole("alert")).toContainText(
      "Your password has expired or must be changed. Change it in your directory",
    );
    await expect(page).toHaveURL(/\/login/);
  });
});
