#!/bin/sh
echo "The Prisma schema engine is not installed here: migrations are SQL files in prisma/migrations," \
  "applied by 'npm run db:migrate'." >&2
exit 1
