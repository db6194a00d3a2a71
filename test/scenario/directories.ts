// One scenario, run against every kind of real directory the console supports: test connection, first sync,
// change / disable / delete / rename / move, resync, a lock the server computes, groups, sign-in by email,
// account name and DOMAIN\name, wrong password, locked account, and sign-in after the server's idle timeout
// and after its restart. Each directory is a Profile: how to start it, its connection settings and how to
// make each change there. Each step is a function, registered as one test; a profile's test file calls
// runScenario once (one server per file).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { authenticate as signIn } from "@/lib/auth/sign-in";
import { TooManyAttemptsError } from "@/lib/auth/rate-limit";
import { testConnection } from "@/lib/directory/test-connection";
import { syncConnection } from "@/lib/sync/engine";
import { connectTo, makeOrg, uid, verifyDomain } from "@/test/factories";

/** The people every profile's directory holds, by their part in the scenario. */
export const PEOPLE = ["ada", "ben", "cat", "dan", "eve", "fay", "gus"] as const;
export type Who = (typeof PEOPLE)[number];

export type ScenarioServer = {
  url: string;
  managerDn: string;
  managerPassword: string;
  baseDn: string;
  restart: () => Promise<void>;
  stop: () => Promise<void>;
};

export type Profile = {
  name: string;
  /** Starts the directory holding PEOPLE (mail `who@domain`, password password(who)) and a group of ada+ben. */
  start: (domain: string) => Promise<ScenarioServer>;
  /** The connection's settings beyond the server's address and manager (preset, fields, base DN). */
  connection: (s: ScenarioServer) => Record<string, unknown>;
  password: (who: Who) => string;
  /** The account name a person signs in with (the Account name field's value). */
  accountName: (who: Who) => string;
  /** ben's full name becomes "Ben Changed". */
  change: (s: ScenarioServer) => Promise<void>;
  /** cat is disabled the way this directory disables (its Status field). */
  disable: (s: ScenarioServer) => Promise<void>;
  remove: (s: ScenarioServer) => Promise<void>;
  /** eve's entry gets another RDN; fay's entry moves to another OU under the Base DN. */
  rename: (s: ScenarioServer) => Promise<void>;
  move: (s: ScenarioServer) => Promise<void>;
  /** A lock the directory itself keeps (389's role lock, AD's lockout); absent where there is none. */
  lock?: { lock: (s: ScenarioServer) => Promise<void>; unlock: (s: ScenarioServer) => Promise<void> };
  /**
   * The groups the preset's group settings map, with their members: `who` for a direct member, `who<group`
   * for one inherited through a nested group. Every profile holds engineers (ada, ben) and staff (gus and the
   * group engineers).
   */
  expectedGroups: { name: string; members: string[] }[];
  /** Seconds after which the server closes idle connections; absent where it cannot be set. */
  idleTimeoutSeconds?: number;
};

// A locked login is a refusal too (the per-account limit counts deliberate failures).
const authenticate = (login: string, password: string, host?: string) =>
  signIn(
    login,
    password,
    `10.8.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`,
    host,
  ).catch((e) => (e instanceof TooManyAttemptsError ? null : Promise.reject(e)));

type State = {
  s: ScenarioServer;
  org: { id: string };
  conn: { id: string };
  domain: string;
  nt: string;
  bound: string;
  ids: Partial<Record<Who, string>>;
  timings: Record<string, number>;
};

async function accounts(st: State) {
  const rows = await db.user.findMany({
    where: { connectionId: st.conn.id, supersededById: null },
    select: { id: true, email: true, name: true, status: true, dn: true, accountName: true },
  });
  return new Map(rows.map((r) => [r.email.split("@")[0] as Who, r]));
}

const sync = (st: State, dryRun = false) =>
  syncConnection(st.conn.id, { trigger: "MANUAL", full: true, dryRun });

async function stepTestConnection(p: Profile, st: State) {
  const c = await db.ldapConnection.findUniqueOrThrow({ where: { id: st.conn.id } });
  const result = await testConnection({ ...c, managerPassword: st.s.managerPassword });
  expect(result.ok, JSON.stringify(result)).toBe(true);
  if (!result.ok) return;
  expect(result.count).toBe(PEOPLE.length);
  // The group settings find the scenario's groups (a directory's built-in groups on top).
  expect(result.groups?.ok && result.groups.count).toBeGreaterThanOrEqual(p.expectedGroups.length);
  // Up to five samples, each mapped as the sync maps it: its account name, not disabled.
  expect(result.samples.length).toBe(5);
  for (const sample of result.samples) {
    const who = sample.email?.split("@")[0] as Who;
    expect(PEOPLE).toContain(who);
    expect(sample).toMatchObject({ accountName: p.accountName(who), disabled: false });
  }
}

async function stepFirstSync(p: Profile, st: State) {
  const outcome = await sync(st);
  expect(outcome.status, outcome.error).toBe("SUCCEEDED");
  expect(outcome.counts.created).toBe(PEOPLE.length);
  const all = await accounts(st);
  for (const who of PEOPLE) {
    expect(all.get(who)).toMatchObject({ status: "ACTIVE", accountName: p.accountName(who) });
    st.ids[who] = all.get(who)!.id;
  }
}

async function stepChanges(p: Profile, st: State) {
  await p.change(st.s);
  await p.disable(st.s);
  await p.remove(st.s);
  await p.rename(st.s);
  await p.move(st.s);
  const before = await accounts(st);
  const outcome = await sync(st);
  expect(outcome.status, outcome.error).toBe("SUCCEEDED");
  const all = await accounts(st);
  expect(all.get("ben")).toMatchObject({ id: st.ids.ben, name: "Ben Changed", status: "ACTIVE" });
  expect(all.get("cat")).toMatchObject({ id: st.ids.cat, status: "DISABLED" });
  expect(all.get("dan")?.status).not.toBe("ACTIVE");
  // A renamed or moved entry is the same person: the same account, at its new DN.
  for (const who of ["eve", "fay"] as const) {
    expect(all.get(who)).toMatchObject({ id: st.ids[who], status: "ACTIVE" });
    expect(all.get(who)!.dn).not.toBe(before.get(who)!.dn);
  }
  expect(all.get("ada")).toMatchObject({ id: st.ids.ada, status: "ACTIVE" });
}

async function stepResync(p: Profile, st: State) {
  const before = await accounts(st);
  const outcome = await sync(st);
  expect(outcome.status, outcome.error).toBe("SUCCEEDED");
  expect(outcome.counts).toMatchObject({ created: 0, updated: 0, disabled: 0, reenabled: 0 });
  const after = await accounts(st);
  for (const who of PEOPLE) expect(after.get(who)?.status).toBe(before.get(who)?.status);
}

/** The directory's own lock: Preview and the run both disable gus; sign-in is refused; unlock re-enables. */
async function stepLock(p: Profile, st: State) {
  const gus = `gus@${st.domain}`;
  expect(await authenticate(gus, p.password("gus"))).toBe(st.ids.gus);
  await p.lock!.lock(st.s);
  const preview = await sync(st, true);
  expect(preview.plan?.disable.map((d) => d.email)).toEqual([gus]);
  const outcome = await sync(st);
  expect(outcome.status, outcome.error).toBe("SUCCEEDED");
  expect((await accounts(st)).get("gus")).toMatchObject({ id: st.ids.gus, status: "DISABLED" });
  expect(await authenticate(gus, p.password("gus"))).toBeNull();
  await p.lock!.unlock(st.s);
  expect((await sync(st)).counts.reenabled).toBe(1);
  expect((await accounts(st)).get("gus")?.status).toBe("ACTIVE");
  expect(await authenticate(gus, p.password("gus"))).toBe(st.ids.gus);
}

async function stepGroups(p: Profile, st: State) {
  const groups = await db.directoryGroup.findMany({
    where: { connectionId: st.conn.id },
    select: {
      name: true,
      members: {
        select: { direct: true, viaGroup: { select: { name: true } }, user: { select: { email: true } } },
      },
    },
  });
  // Groups with members, and the expected ones (a directory's built-in empty groups, e.g. Samba's, aside).
  const names = new Set(p.expectedGroups.map((g) => g.name));
  const member = (m: (typeof groups)[number]["members"][number]) =>
    `${m.user.email.split("@")[0]}${m.direct ? "" : `<${m.viaGroup?.name ?? "?"}`}`;
  const mapped = groups
    .filter((g) => g.members.length > 0 || names.has(g.name))
    .map((g) => ({ name: g.name, members: g.members.map(member).sort() }))
    .sort((a, b) => a.name.localeCompare(b.name));
  expect(mapped).toEqual(p.expectedGroups.map((g) => ({ name: g.name, members: [...g.members].sort() })));
}

async function stepSignIn(p: Profile, st: State) {
  const pw = p.password("ada");
  expect(await authenticate(`ada@${st.domain}`, pw)).toBe(st.ids.ada);
  expect(await authenticate(p.accountName("ada"), pw, st.bound)).toBe(st.ids.ada);
  expect(await authenticate(`${st.nt}\\${p.accountName("ada")}`, pw)).toBe(st.ids.ada);
  // Refusals: a wrong password, a disabled entry, a deleted one. All read "Invalid credentials" (null here).
  expect(await authenticate(`ada@${st.domain}`, `${pw}-wrong`)).toBeNull();
  expect(await authenticate(`cat@${st.domain}`, p.password("cat"))).toBeNull();
  expect(await authenticate(`dan@${st.domain}`, p.password("dan"))).toBeNull();
  // Signing in by email works whatever attribute the Auth filter names (here the account name only).
  const c = await db.ldapConnection.findUniqueOrThrow({ where: { id: st.conn.id } });
  await db.ldapConnection.update({
    where: { id: c.id },
    data: { authFilter: `(${c.accountNameField}={0})` },
  });
  try {
    expect(await authenticate(`ben@${st.domain}`, p.password("ben"))).toBe(st.ids.ben);
    expect(await authenticate(p.accountName("ben"), p.password("ben"), st.bound)).toBe(st.ids.ben);
  } finally {
    await db.ldapConnection.update({ where: { id: c.id }, data: { authFilter: c.authFilter } });
  }
}

async function stepIdle(p: Profile, st: State) {
  expect(await authenticate(`ada@${st.domain}`, p.password("ada"))).toBe(st.ids.ada);
  await new Promise((r) => setTimeout(r, (p.idleTimeoutSeconds! + 2) * 1000));
  // The console's reused manager connection was closed by the server meanwhile.
  expect(await authenticate(p.accountName("ada"), p.password("ada"), st.bound)).toBe(st.ids.ada);
  expect((await sync(st)).status).toBe("SUCCEEDED");
}

async function stepRestart(p: Profile, st: State) {
  expect(await authenticate(`ada@${st.domain}`, p.password("ada"))).toBe(st.ids.ada);
  await st.s.restart();
  expect(await authenticate(`ada@${st.domain}`, p.password("ada"))).toBe(st.ids.ada);
  expect((await sync(st)).status).toBe("SUCCEEDED");
}

export function runScenario(p: Profile): void {
  describe(`the shared scenario against ${p.name}`, () => {
    const st = { ids: {}, timings: {} } as State;
    const t0 = performance.now();
    beforeAll(async () => {
      st.domain = `d${uid()}.example`;
      const t = performance.now();
      st.s = await p.start(st.domain);
      st.timings.start = Math.round(performance.now() - t);
      st.org = await makeOrg();
      st.nt = `N${uid().toUpperCase()}`;
      st.bound = `10.7.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
      const verified = await verifyDomain(st.org, st.domain);
      // A platform administrator approved the NT name and the bound address (bare names).
      await db.domain.update({
        where: { id: verified.id },
        data: {
          ntDomain: st.nt,
          ntDomainApprovedAt: new Date(),
          bindIpAddress: st.bound,
          bindIpApprovedAt: new Date(),
        },
      });
      st.conn = await connectTo(st.s, st.org, {
        domain: st.domain,
        disableThresholdPercent: 100,
        ...p.connection(st.s),
      });
    }, 120_000);
    afterAll(async () => {
      await st.s?.stop();
      console.log(
        `${p.name}: server start ${st.timings.start} ms, scenario ${Math.round(performance.now() - t0)} ms`,
      );
    });

    it("Test connection finds and maps every person", () => stepTestConnection(p, st));
    it("the first sync creates an account per person", () => stepFirstSync(p, st));
    it("a resync applies a change, a disable, a deletion, a rename and a move", () => stepChanges(p, st));
    it("a second resync changes nothing", () => stepResync(p, st));
    if (p.lock) it("the directory's own lock disables the account until it is lifted", () => stepLock(p, st));
    it("groups are mapped with their current members", () => stepGroups(p, st));
    it("sign-in by email, account name and DOMAIN\\name; wrong, disabled and deleted refused", () =>
      stepSignIn(p, st));
    if (p.idleTimeoutSeconds)
      it("sign-in and sync work after the server closed idle connections", () => stepIdle(p, st), 60_000);
    it("sign-in and sync work after the server restarts", () => stepRestart(p, st), 60_000);
  });
}
