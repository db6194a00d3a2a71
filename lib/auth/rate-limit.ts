import "server-only";
import crypto from "node:crypto";
import pg from "pg";
import { RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";

// Failed sign-ins are counted in PostgreSQL (table "RateLimit"), so every instance behind a load balancer
// sees the same counts. Per account: 5 failures in 15 minutes lock that login for 15 minutes. Per address:
// 30 failures in 15 minutes. Keys are the typed login, whether or not an account exists: no enumeration.
const globalForLimiter = globalThis as unknown as {
  signInLimiters?: { account: RateLimiterPostgres; address: RateLimiterPostgres; adhoc: RateLimiterPostgres };
};

function limiters() {
  if (globalForLimiter.signInLimiters) return globalForLimiter.signInLimiters;
  const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 3 });
  // An idle connection the server closed (a restart, a failover) must not take the process down with it.
  pool.on("error", (error) =>
    console.error("database connection lost (sign-in throttling pool)", error.message),
  );
  const common = {
    storeClient: pool,
    storeType: "pool",
    tableName: "RateLimit",
    tableCreated: true,
    clearExpiredByTimeout: false,
  };
  globalForLimiter.signInLimiters = {
    account: new RateLimiterPostgres({
      ...common,
      keyPrefix: "signin-account",
      points: Number(process.env.SIGNIN_MAX_FAILURES_PER_ACCOUNT ?? 5),
      duration: 15 * 60,
      blockDuration: 15 * 60,
    }),
    address: new RateLimiterPostgres({
      ...common,
      keyPrefix: "signin-address",
      points: Number(process.env.SIGNIN_MAX_FAILURES_PER_ADDRESS ?? 30),
      duration: 15 * 60,
      blockDuration: 15 * 60,
    }),
    // New Ad hoc accounts a member creates by sharing with unknown addresses: each is an account and a link.
    adhoc: new RateLimiterPostgres({
      ...common,
      keyPrefix: "adhoc-invite",
      points: Number(process.env.ADHOC_INVITES_PER_HOUR ?? 50),
      duration: 60 * 60,
    }),
  };
  return globalForLimiter.signInLimiters;
}

// Keys are hashed: logins may be up to 320 characters, and the table need not hold what people typed.
const k = (value: string) => crypto.createHash("sha256").update(value).digest("base64url");

export class TooManyAttemptsError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super("Too many failed sign-ins");
  }
}

export async function assertNotLocked(login: string, address: string): Promise<void> {
  const { account, address: byAddress } = limiters();
  const [a, b] = await Promise.all([
    account.get(k(login)),
    address === "unknown" ? null : byAddress.get(k(address)),
  ]);
  for (const [res, limit] of [
    [a, account.points],
    [b, byAddress.points],
  ] as const) {
    if (res && res.consumedPoints >= limit)
      throw new TooManyAttemptsError(Math.ceil(res.msBeforeNext / 1000));
  }
}

export async function recordFailure(login: string, address: string): Promise<void> {
  const { account, address: byAddress } = limiters();
  await Promise.all(
    // Without a known address, no shared "unknown" bucket that one attacker could fill for everybody.
    [
      account.penalty(k(login), 1),
      address === "unknown" ? Promise.resolve() : byAddress.penalty(k(address), 1),
    ].map((p) => p.catch((e: unknown) => (e instanceof RateLimiterRes ? e : Promise.reject(e)))),
  );
}

export async function recordSuccess(login: string): Promise<void> {
  await limiters().account.delete(k(login));
}

/** Counts one new Ad hoc account created by this member; throws when the hour's allowance is spent. */
export async function consumeAdhocInvite(userId: string): Promise<void> {
  try {
    await limiters().adhoc.consume(k(userId), 1);
  } catch (error) {
    if (error instanceof RateLimiterRes) throw new TooManyAttemptsError(Math.ceil(error.msBeforeNext / 1000));
    throw error;
  }
}
