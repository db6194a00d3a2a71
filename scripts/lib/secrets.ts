// Development secrets: generated once into .data/secrets.json when the environment does not set them.
// Production deployments set NEXTAUTH_SECRET, ENCRYPTION_KEY and CRON_SECRET themselves.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const KEYS = ["NEXTAUTH_SECRET", "ENCRYPTION_KEY", "CRON_SECRET"] as const;

export function ensureDevSecrets(dataDir = ".data"): void {
  const file = path.resolve(dataDir, "secrets.json");
  let stored: Record<string, string> = {};
  if (fs.existsSync(file)) stored = JSON.parse(fs.readFileSync(file, "utf8"));
  let changed = false;
  for (const key of KEYS) {
    if (process.env[key]) continue;
    if (!stored[key]) {
      stored[key] = crypto.randomBytes(32).toString("base64");
      changed = true;
    }
    process.env[key] = stored[key];
  }
  if (changed) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
  }
}
