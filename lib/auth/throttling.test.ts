import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { authenticate } from "@/lib/auth/sign-in";
import { TooManyAttemptsError } from "@/lib/auth/rate-limit";
import { throttleKey } from "@/lib/auth/throttle-key";
import { makeOrg, makeUser, uid } from "@/test/factories";

// A per-address limit small enough to reach; the limiters are built on first use with these values.
beforeAll(() => {
  process.env.SIGNIN_MAX_FAILURES_PER_ADDRESS = "12";
  delete (globalThis as { signInLimiters?: unknown }).signInLimiters;
});

const octet = () => Math.floor(Math.random() * 250) + 1;
const freshAddress = () => `10.${octet()}.${octet()}.${octet()}`;
const attempt = (login: string, password: string, address: string) =>
  authenticate(login, password, address).then(
    (id) => (id ? "ok" : "refused"),
    (e: unknown) => (e instanceof TooManyAttemptsError ? "locked" : Promise.reject(e)),
  );

describe("sign-in throttling", () => {
  it("an attacker's failures lock the account for the attacker's address only", async () => {
    const victim = await makeUser();
    const attacker = freshAddress();
    const results = [];
    for (let i = 0; i < 10; i++) results.push(await attempt(victim.email, `guess-${i}`, attacker));
    expect(results.slice(0, 5)).toEqual(Array(5).fill("refused"));
    expect(results.slice(5)).toEqual(Array(5).fill("locked"));
    expect(await attempt(victim.email, victim.password, attacker)).toBe("locked");
    expect(await attempt(victim.email, victim.password, freshAddress())).toBe("ok");
  });

  it("the per-address limit stops one address guessing across many logins", async () => {
    const attacker = freshAddress();
    const results = [];
    for (let i = 0; i < 14; i++)
      results.push(await attempt(`spray-${uid()}@test.example`, "guess", attacker));
    expect(results.slice(0, 12)).toEqual(Array(12).fill("refused"));
    expect(results.slice(12)).toEqual(["locked", "locked"]);
    const someone = await makeUser();
    expect(await attempt(someone.email, someone.password, attacker)).toBe("locked");
    expect(await attempt(someone.email, someone.password, freshAddress())).toBe("ok");
  });

  it("the email and the account name of one account share one counter", async () => {
    const user = await makeUser();
    const from = freshAddress();
    for (const login of [user.email, user.accountName!.toUpperCase(), user.email, ` ${user.accountName!} `])
      expect(await attempt(login, "wrong", from)).toBe("refused");
    expect(await attempt(user.accountName!, "wrong", from)).toBe("refused");
    expect(await attempt(user.email, user.password, from)).toBe("locked");
  });

  it("DOMAIN\\name and the UPN of a directory account count as the account", async () => {
    const org = await makeOrg("throttle");
    const connection = await db.ldapConnection.create({
      data: {
        organizationId: org.id,
        name: `Dir ${uid()}`,
        serverUrl: "ldap://127.0.0.1:1",
        serverTimeout: 1000,
        managerDn: "cn=manager",
        managerPasswordEnc: "unused",
        baseDn: "dc=corp,dc=example,dc=com",
        syncFilter: "(objectClass=person)",
        authFilter: "(uid={0})",
        domain: `corp${uid()}.example.com`,
        accountNameField: "uid",
        emailField: "mail",
        userPrincipalNameField: "mail",
        fullNameField: "cn",
        statusField: "",
        statusDisabled: "",
      },
      select: { id: true, domain: true },
    });
    const name = `jdoe-${uid()}`;
    const user = await db.user.create({
      data: {
        email: `${name}@mail.test.example`,
        name: "J Doe",
        accountName: name,
        userPrincipalName: `${name}@${connection.domain}`,
        source: "DIRECTORY",
        connectionId: connection.id,
      },
      select: { id: true },
    });
    const nt = connection.domain.split(".")[0];
    const key = `account:${user.id}`;
    expect(await throttleKey(`${name}@mail.test.example`)).toBe(key);
    expect(await throttleKey(`${nt}\\${name}`)).toBe(key);
    expect(await throttleKey(`${name}@${connection.domain}`)).toBe(key);
    // Names that resolve to no account count as themselves.
    expect(await throttleKey(`other\\${name}`)).toBe(`login:other\\${name}`);
    expect(await throttleKey(name)).toBe(`login:${name}`);
  });
});
