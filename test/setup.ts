// Integration tests run against the database `npm test` prepared (scripts/test.ts). Without it they fail
// loudly rather than skip.
if (!process.env.DATABASE_URL) throw new Error("DATABASE_URL is not set: run the tests with `npm test`.");
const host = new URL(process.env.DATABASE_URL).hostname;
if (!["127.0.0.1", "localhost", "::1"].includes(host) && process.env.ALLOW_REMOTE_TEST_DATABASE !== "true") {
  throw new Error(`Refusing to run tests against a non-local database (${host}).`);
}
process.env.SIGNIN_MAX_FAILURES_PER_ADDRESS ??= "1000";

// Uploaded files go to a directory of this test run, never to the developer's .data/files.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
process.env.FILES_DIR ??= fs.mkdtempSync(path.join(os.tmpdir(), "dc-test-files-"));
delete process.env.SMTP_URL;
