import "server-only";
import crypto from "node:crypto";
import pg from "pg";
import { RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";

// Failed sign-ins, counted in PostgreSQL (table "RateLimit") so that every instance behind a load balancer
// sees the same counts: rate-limiter-flexible's "login endpoint protection" pattern.
// - Per account and address: SIGNIN_MAX_CONSECUTIVE_FAILURES failures in a row (a success resets them) lock
//   that account for that address only, for SIGNIN_LOCK_MINUTES. Failures from one address never lock the
//   account for everyone else.
// - Per address: SIGNIN_MAX_FAILURES_PER_ADDRESS failures in 24 hours, whatever the logins, refuse that
//   address for SIGNIN_ADDRESS_LOCK_MINUTES: the limit on guessing across many accounts.
// The account is the canonical key of lib/auth/throttle-key.ts, whether or not an account exists: no
// enumeration.
type Limiters = {
  loginAddress: RateLimiterPostgres;
  address: RateLimiterPostgres;
  adhoc: RateLimiterPostgres;
  signInTest: RateLimiterPostgres;
  lockSeconds: { loginAddress: number; address: number };
};
const globalForLimiter = globalThis as unknown as { signInLimiters?: Limiters };

const DAY = 24 * 60 * 60;
const envNumber = (name: string, fallback: number) => {
  const n = Number(process.env[name]);
  return Number.isFinite(n) && n > 0 ? n : fallback;
};

function limiters(): Limiters {
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
    loginAddress: new RateLimiterPostgres({
      ...common,
      keyPrefix: "signin-login-address",
      points: envNumber("SIGNIN_MAX_CONSECUTIVE_FAILURES", 5),
      duration: DAY,
    }),
    address: new RateLimiterPostgres({
      ...common,
      keyPrefix: "signin-address",
      points: envNumber("SIGNIN_MAX_FAILURES_PER_ADDRESS", 100),
      duration: DAY,
    }),
    // New Ad hoc accounts a member creates by sharing with unknown addresses: each is an account and a link.
    adhoc: new RateLimiterPostgres({
      ...common,
      keyPrefix: "adhoc-invite",
      points: Number(process.env.ADHOC_INVITES_PER_HOUR ?? 50),
      duration: 60 * 60,
    }),
    // "Test sign-in" runs per organisation administrator: each is a password tried against a directory.
    signInTest: new RateLimiterPostgres({
      ...common,
      keyPrefix: "signin-test",
      points: envNumber("SIGNIN_TESTS_PER_HOUR", 20),
      duration: 60 * 60,
    }),
    lockSeconds: {
      loginAddress: envNumber("SIGNIN_LOCK_MINUTES", 15) * 60,
      address: envNumber("SIGNIN_ADDRESS_LOCK_MINUTES", 60) * 60,
    },
  };
  return globalForLimiter.signInLimiters;
}

// Keys are hashed: logins may be up to 320 characters, and the table need not hold what people typed.
const k = (...parts: string[]) => crypto.createHash("sha256").update(parts.join("\n")).digest("base64url");

export class TooManyAttemptsError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super("Too many failed sign-ins");
  }
}

const known = (address: string) => address !== "unknown";

/** `key` is the attempt's canonical key (throttleKey), `address` the client's (clientAddress). */
export async function assertNotLocked(key: string, address: string): Promise<void> {
  const { loginAddress, address: byAddress } = limiters();
  const [pair, addr] = await Promise.all([
    loginAddress.get(k(key, address)),
    known(address) ? byAddress.get(k(address)) : null,
  ]);
  for (const [res, limit] of [
    [pair, loginAddress.points],
    [addr, byAddress.points],
  ] as const) {
    if (res && res.consumedPoints >= limit)
      throw new TooManyAttemptsError(Math.max(1, Math.ceil(res.msBeforeNext / 1000)));
  }
}

async function countFailure(limiter: RateLimiterPostgres, key: string, lockSeconds: number) {
  const res = await limiter
    .consume(key, 1)
    .catch((e: unknown) => (e instanceof RateLimiterRes ? e : Promise.reject(e)));
  // The failure that reaches the limit starts the lock: from now, not from the first failure.
  if (res.consumedPoints >= limiter.points) await limiter.block(key, lockSeconds);
}

export async function recordFailure(key: string, address: string): Promise<void> {
  const { loginAddress, address: byAddress, lockSeconds } = limiters();
  await Promise.all([
    countFailure(loginAddress, k(key, address), lockSeconds.loginAddress),
    // Without a known address, no shared "unknown" bucket that one attacker could fill for everybody.
    known(address) ? countFailure(byAddress, k(address), lockSeconds.address) : null,
  ]);
}

/** A success ends the run of consecutive failures for this account and address; the address's count stays. */
export async function recordSuccess(key: string, address: string): Promise<void> {
  await limiters().loginAddress.delete(k(key, address));
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

/** Counts one "Test sign-in" of this administrator; throws when the hour's allowance is spent. */
export async function consumeSignInTest(userId: string): Promise<void> {
  try {
    await limiters().signInTest.consume(k("signin-test", userId), 1);
  } catch (error) {
    if (error instanceof RateLimiterRes) throw new TooManyAttemptsError(Math.ceil(error.msBeforeNext / 1000));
    throw error;
  }
}
