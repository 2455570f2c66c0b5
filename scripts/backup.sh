#!/usr/bin/env bash
# Backs up one Concord deployment: the PostgreSQL database (pg_dump, custom format) and the private
# attachments folder (PRIVATE_MEDIA_ROOT, a tar), into one new timestamped directory with a manifest.json
# that records each file's SHA-256, the Concord version and commit, and the applied migrations.
#
#   DATABASE_URL=postgres://concord:...@db:5432/concord PRIVATE_MEDIA_ROOT=/data/private \
#       scripts/backup.sh /srv/concord-backups
#
# Prints the new directory's path on the last line. docs/operations.md ("Backup and restore") explains
# scheduling, where the files go and how scripts/restore.sh brings a backup back.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/pg-tools.sh
source "$ROOT/scripts/pg-tools.sh"

usage() {
    echo "Usage: DATABASE_URL=postgres://... PRIVATE_MEDIA_ROOT=/path scripts/backup.sh [DESTINATION]" >&2
    echo "DESTINATION defaults to \$BACKUP_DIR, else var/backups in the repository." >&2
    exit 2
}
case "${1:-}" in -h | --help) usage ;; esac
[ $# -le 1 ] || usage

pg_tools_require pg_dump psql
DATABASE_URL="$(pg_database_url)"
MEDIA_ROOT="${PRIVATE_MEDIA_ROOT:-${CONCORD_VAR_DIR:-$ROOT/var}/private}"
DESTINATION="${1:-${BACKUP_DIR:-$ROOT/var/backups}}"
pg_tools_match_server "$DATABASE_URL" pg_dump

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
final="$DESTINATION/concord-$stamp"
partial="$final.partial"
[ ! -e "$final" ] || fail "$final exists already; wait a second and run again."
mkdir -p "$partial"
chmod 700 "$partial"  # the dump holds every account's password hash and every restricted plan
# A backup that stops half-way stays a .partial directory, which restore.sh refuses.
trap 'echo "backup.sh: failed; $partial is incomplete and may be deleted." >&2' ERR

# The database first, then the files: a file uploaded in between is an unused extra in the tar, while
# the reverse order could leave a restored row without its file.
echo "Dumping the database..." >&2
pg_dump --format=custom --no-owner --no-privileges --file="$partial/database.dump" --dbname="$DATABASE_URL"

echo "Archiving attachments from $MEDIA_ROOT..." >&2
if [ -d "$MEDIA_ROOT" ]; then
    media_files="$(find "$MEDIA_ROOT" -type f | wc -l)"
    tar --create --file="$partial/private-media.tar" --directory="$MEDIA_ROOT" .
else
    # A deployment that has never stored an attachment has no folder yet: an empty archive says so.
    echo "backup.sh: $MEDIA_ROOT does not exist; archiving no attachments." >&2
    media_files=0
    tar --create --file="$partial/private-media.tar" --files-from=/dev/null
fi

sha() { sha256sum "$1" | cut -d' ' -f1; }
bytes() { stat --format=%s "$1"; }
commit="${CONCORD_COMMIT:-$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)}"
version="$(sed -n 's/^version = "\(.*\)"$/\1/p' "$ROOT/pyproject.toml" | head -1)"
# The latest applied migration of each app, as one JSON object (from the dumped database itself).
migrations="$(psql --dbname="$DATABASE_URL" --no-psqlrc --tuples-only --no-align --quiet --command \
    "SELECT coalesce(json_object_agg(app, name ORDER BY app), '{}') FROM
     (SELECT app, max(name) AS name FROM django_migrations GROUP BY app) AS latest")"
applied="$(psql --dbname="$DATABASE_URL" --no-psqlrc --tuples-only --no-align --quiet \
    --command "SELECT count(*) FROM django_migrations")"
server="$(pg_server_version "$DATABASE_URL")"

cat >"$partial/manifest.json" <<JSON
{
  "format": 1,
  "created_at": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "concord": {"version": "$version", "commit": "$commit"},
  "database": {
    "file": "database.dump",
    "sha256": "$(sha "$partial/database.dump")",
    "bytes": $(bytes "$partial/database.dump"),
    "server_version": "$server",
    "pg_dump": "$(pg_dump --version)"
  },
  "media": {
    "file": "private-media.tar",
    "sha256": "$(sha "$partial/private-media.tar")",
    "bytes": $(bytes "$partial/private-media.tar"),
    "files": $media_files
  },
  "migrations": {"applied": $applied, "latest": $migrations}
}
JSON
# The same digests in sha256sum's own format, so `sha256sum -c SHA256SUMS` checks a copy anywhere.
(cd "$partial" && sha256sum database.dump private-media.tar >SHA256SUMS)

mv "$partial" "$final"
trap - ERR
echo "Backup complete: database $(bytes "$final/database.dump") bytes, $media_files attachment files." >&2
echo "$final"
