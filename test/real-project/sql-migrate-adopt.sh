#!/usr/bin/env bash
# Proof of adopt on a real sql-migrate project (issue 15), kept out of the repository: point it at a
# checkout of any public sql-migrate project with PostgreSQL migrations.
#
#   bash test/real-project/sql-migrate-adopt.sh CHECKOUT [MIGRATIONS_DIR] [HISTORY_TABLE] [FIRST_PART]
#
# Two fresh databases on 127.0.0.1:5432 (user postgres): the real sql-migrate applies FIRST_PART
# migrations to one (in a git copy of the folder) and all of them to the other; then
# `adopt -from sql-migrate --rename` and `up` on the first. Checks: the history table of sql-migrate
# unchanged, every rename staged as R, and the schemas identical (pg_dump --schema-only without the two
# history tables). Drops both databases and the copies at the end. Needs `npm run build` first.
set -euo pipefail
src=$(cd "$1" && pwd); dir=${2:-migrations}; table=${3:-gorp_migrations}; first=${4:-3}
cli="$(cd "$(dirname "$0")/../.." && pwd)/dist/cli.js"
work=$(mktemp -d); id=$RANDOM$RANDOM
psql=(psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -qAt)
cleanup() { for d in part all; do "${psql[@]}" -d postgres -c "DROP DATABASE IF EXISTS ml_real_${d}_$id" || true; done; rm -rf "$work"; }
trap cleanup EXIT
for d in part all; do
  mkdir -p "$work/$d/$dir"; cp "$src/$dir"/*.sql "$work/$d/$dir/"
  "${psql[@]}" -d postgres -c "CREATE DATABASE ml_real_${d}_$id"
  printf 'proof:\n  dialect: postgres\n  datasource: host=127.0.0.1 port=5432 user=postgres dbname=ml_real_%s_%s sslmode=disable\n  dir: %s\n  table: %s\n' \
    "$d" "$id" "$dir" "$table" > "$work/$d/dbconfig.yml"
done
(cd "$work/all" && sql-migrate up -env=proof)
cd "$work/part"
git init -q && git add . && git -c user.name=proof -c user.email=proof@example.com commit -qm project
sql-migrate up -env=proof -limit="$first"
"${psql[@]}" -d "ml_real_part_$id" -c "SELECT id, applied_at FROM \"$table\" ORDER BY id" > "$work/history-before"
node "$cli" adopt -config dbconfig.yml -env proof -from sql-migrate --rename
node "$cli" up -config dbconfig.yml -env proof
node "$cli" status -config dbconfig.yml -env proof | tail -1
"${psql[@]}" -d "ml_real_part_$id" -c "SELECT id, applied_at FROM \"$table\" ORDER BY id" > "$work/history-after"
cmp "$work/history-before" "$work/history-after" && echo "ok: $table unchanged ($(wc -l < "$work/history-after") rows)"
renamed=$(git status --porcelain -- "$dir" | grep -c '^R  ' || true)
echo "ok: $renamed renames staged as R (git mv), $(git status --porcelain | grep -vc '^R  ' || true) other changes"
for d in part all; do
  pg_dump -h 127.0.0.1 -U postgres --schema-only --no-owner --no-privileges -T "$table" -T schema_migrations "ml_real_${d}_$id" \
    | grep -v -e '^\\restrict' -e '^\\unrestrict' -e '^-- Dumped' > "$work/$d.sql"
done
diff "$work/part.sql" "$work/all.sql" && echo "ok: schema identical to sql-migrate applying all ($(wc -l < "$work/all.sql") lines of pg_dump)"
