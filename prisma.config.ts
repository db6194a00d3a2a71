import path from "node:path";
import { defineConfig } from "prisma/config";

// The Prisma CLI fetches a native schema engine from the internet at start, even for `prisma generate`, which
// only needs the WebAssembly engines shipped in the npm package. This machine reaches no host but the
// registries, so the CLI is pointed at a stand-in that refuses: migrations are plain SQL files applied by
// scripts/migrate.ts (see README, "Database").
process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= path.resolve("scripts/no-schema-engine.sh");

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
