# Shared by backup.sh and restore.sh (sourced, not run): finds PostgreSQL's client tools and checks that
# their version can read and write the server's data.

fail() {
    echo "${0##*/}: $*" >&2
    exit 1
}

# The commands each script needs, with what to install when one is missing.
pg_tools_require() {
    local tool
    for tool in "$@"; do
        command -v "$tool" >/dev/null && continue
        case "$tool" in
            pg_dump | pg_restore | psql)
                fail "$tool is not installed. Install PostgreSQL's client tools of the server's major version or" \
                    "newer: on Debian or Ubuntu \`apt-get install postgresql-client-15\` (for PostgreSQL 15;" \
                    "plain \`postgresql-client\` on Debian 12), on RHEL \`dnf install postgresql15\`; other" \
                    "versions from https://www.postgresql.org/download/." ;;
            python3) fail "python3 is not installed (apt-get install python3)." ;;
            *) fail "$tool is not installed (apt-get install coreutils tar)." ;;
        esac
    done
}

# DATABASE_URL as the app reads it (dj-database-url), given to libpq unchanged: it reads the same postgres:// URL.
pg_database_url() {
    local url="${DATABASE_URL:-}"
    [ -n "$url" ] || fail "set DATABASE_URL to the deployment's database, e.g. postgres://concord:PASSWORD@127.0.0.1:5432/concord."
    case "$url" in
        postgres://* | postgresql://*) echo "$url" ;;
        *) fail "DATABASE_URL must be a postgres:// URL; backups cover PostgreSQL deployments only." ;;
    esac
}

pg_server_version() {
    psql --dbname="$1" --no-psqlrc --tuples-only --no-align --quiet --command "SHOW server_version" |
        cut -d' ' -f1
}

# pg_dump and pg_restore must be of the server's major version or newer (an older pg_dump refuses a newer
# server; an older pg_restore cannot read a newer dump format).
pg_tools_match_server() {
    local url="$1" tool="$2" server client
    server="$(pg_server_version "$url")" || fail "cannot connect to the database of DATABASE_URL."
    server="${server%%[!0-9.]*}"
    client="$("$tool" --version | awk '{print $3}' | sed 's/[^0-9].*//')"
    if [ -z "$client" ] || [ "$client" -lt "${server%%.*}" ]; then
        fail "$tool is version $client but the server runs PostgreSQL $server. Install the client tools of" \
            "version ${server%%.*} (Debian/Ubuntu: apt-get install postgresql-client-${server%%.*}, from" \
            "https://wiki.postgresql.org/wiki/Apt if your release lacks it) and put them first on PATH."
    fi
}
