#!/usr/bin/env bash
# Restores a backup made by scripts/backup.sh into an empty deployment: checks both files against the
# manifest's SHA-256 first, creates the database if it does not exist, refuses a database that holds any
# table (or a PRIVATE_MEDIA_ROOT that holds any file) unless --force, restores the database in one
# transaction, unpacks the attachments, and finally checks every stored file against the digest its
# database row records.
#
#   DATABASE_URL=postgres://concord:...@db:5432/concord PRIVATE_MEDIA_ROOT=/data/private \
#       scripts/restore.sh /srv/concord-backups/concord-20261203T020000Z
#
# --force restores over existing data: pg_restore --clean drops and recreates every table of the backup
# (tables the backup does not have are left), and the tar overwrites files of the same name.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/pg-tools.sh
source "$ROOT/scripts/pg-tools.sh"

usage() {
    echo "Usage: DATABASE_URL=postgres://... PRIVATE_MEDIA_ROOT=/path scripts/restore.sh [--force] BACKUP_DIRECTORY" >&2
    exit 2
}
force=false
backup=""
for argument in "$@"; do
    case "$argument" in
        --force) force=true ;;
        -h | --help) usage ;;
        -*) usage ;;
        *) [ -z "$backup" ] || usage; backup="$argument" ;;
    esac
done
[ -n "$backup" ] || usage

pg_tools_require pg_restore psql python3 sha256sum tar
DATABASE_URL="$(pg_database_url)"
MEDIA_ROOT="${PRIVATE_MEDIA_ROOT:-${CONCORD_VAR_DIR:-$ROOT/var}/private}"

case "$backup" in *.partial | *.partial/) fail "$backup is a backup that never finished; pick a complete one." ;; esac
[ -f "$backup/manifest.json" ] || fail "$backup has no manifest.json: not a directory made by scripts/backup.sh."

manifest() {  # manifest KEY SUBKEY: one value of manifest.json
    python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]][sys.argv[3]])' \
        "$backup/manifest.json" "$1" "$2"
}

# 1. Nothing is touched before both files are proven to be the ones the backup wrote.
for part in database media; do
    file="$backup/$(manifest "$part" file)"
    expected="$(manifest "$part" sha256)"
    [ -f "$file" ] || fail "$file is missing."
    actual="$(sha256sum "$file" | cut -d' ' -f1)"
    [ "$actual" = "$expected" ] ||
        fail "$file is damaged: its SHA-256 is $actual, the manifest says $expected. Restore another backup."
done
echo "Checksums match the manifest (Concord $(manifest concord version), commit $(manifest concord commit))." >&2

# Older code than the backup's would run on a schema it does not know: refuse it before anything is touched.
python3 - "$backup/manifest.json" "$ROOT" <<'PYTHON' || exit 1
import json, pathlib, sys

latest = json.load(open(sys.argv[1]))["migrations"]["latest"]
root = pathlib.Path(sys.argv[2])
unknown = [
    f"{app}.{name}"
    for app, name in sorted(latest.items())
    if (root / app / "migrations").is_dir() and not (root / app / "migrations" / f"{name}.py").exists()
]
if unknown:
    sys.exit(
        "restore.sh: the backup was made by a newer Concord than this one; it has migrations this code lacks ("
        + ", ".join(unknown) + "). Install the backup's version (manifest.json names its commit) or a newer one."
    )
PYTHON

# 2. The targets: an attachments folder without files, and a database without tables (created when missing).
if [ -d "$MEDIA_ROOT" ] && [ -n "$(find "$MEDIA_ROOT" -mindepth 1 -print -quit)" ] && ! $force; then
    fail "$MEDIA_ROOT is not empty. Restore into an empty folder, or give --force to unpack over it."
fi
database_name="$(python3 -c 'import sys, urllib.parse as u; print(u.unquote(u.urlsplit(sys.argv[1]).path[1:]))' \
    "$DATABASE_URL")"
maintenance_url="$(python3 -c 'import sys, urllib.parse as u; print(u.urlsplit(sys.argv[1])._replace(path="/postgres").geturl())' \
    "$DATABASE_URL")"
if psql --dbname="$DATABASE_URL" --no-psqlrc --quiet --command "SELECT 1" >/dev/null 2>&1; then
    pg_tools_match_server "$DATABASE_URL" pg_restore
else
    pg_tools_match_server "$maintenance_url" pg_restore
    echo "Creating the database $database_name..." >&2
    # psql interpolates :"name" only in what it reads, not in --command.
    echo 'CREATE DATABASE :"name"' | psql --dbname="$maintenance_url" --no-psqlrc --quiet \
        --set=ON_ERROR_STOP=1 --set=name="$database_name" >/dev/null ||
        fail "cannot create the database $database_name; create it empty yourself (createdb $database_name) and run again."
fi
tables="$(psql --dbname="$DATABASE_URL" --no-psqlrc --tuples-only --no-align --quiet --command \
    "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
       AND n.nspname NOT LIKE 'pg_toast%'")"
if [ "$tables" -gt 0 ] && ! $force; then
    fail "the database $database_name is not empty ($tables tables). Restore into an empty database, or give" \
        "--force to replace the tables the backup holds."
fi

# 3. The database in one transaction: a failure leaves the target as it was.
echo "Restoring the database into $database_name..." >&2
clean=()
! $force || clean=(--clean --if-exists)
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction "${clean[@]}" \
    --dbname="$DATABASE_URL" "$backup/$(manifest database file)"

echo "Unpacking attachments into $MEDIA_ROOT..." >&2
mkdir -p "$MEDIA_ROOT"
tar --extract --file="$backup/$(manifest media file)" --directory="$MEDIA_ROOT" --no-same-owner

# 4. Every stored file against the SHA-256 its row recorded at upload (plan attachments, building documents).
echo "Checking every attachment against its recorded digest..." >&2
digests="$(psql --dbname="$DATABASE_URL" --no-psqlrc --tuples-only --no-align --quiet --command \
    "SELECT sha256 || '  ' || file FROM plans_attachment
     UNION ALL SELECT sha256 || '  ' || file FROM buildings_buildingdocumentversion")"
checked=0
if [ -n "$digests" ]; then
    checked="$(printf '%s\n' "$digests" | wc -l)"
    (cd "$MEDIA_ROOT" && printf '%s\n' "$digests" | sha256sum --check --quiet --strict) ||
        fail "some restored attachments are missing or differ from their recorded digest (listed above)."
fi
echo "Restore complete: $checked attachment files match their digests." >&2
echo "Next: run \`python manage.py migrate\` with this version of Concord, then start the web and workers." >&2
