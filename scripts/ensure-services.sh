#!/usr/bin/env bash
# Starts PostgreSQL and Redis when they are installed but stopped, and installs the
# tools the test suite uses: Debian's chromium (browser tests) and docker-compose (to validate
# docker-compose.yml).
set -euo pipefail

PG_HOST=127.0.0.1
PG_PORT=5432

if ! pg_isready -q -h "$PG_HOST" -p "$PG_PORT" 2>/dev/null; then
    if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
        echo "Starting PostgreSQL..."
        pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
        for _ in $(seq 1 30); do pg_isready -q -h "$PG_HOST" -p "$PG_PORT" && break; sleep 1; done
    fi
fi
if ! pg_isready -q -h "$PG_HOST" -p "$PG_PORT" 2>/dev/null; then
    echo "PostgreSQL is not reachable on $PG_HOST:$PG_PORT; install it (apt-get install postgresql) or set DATABASE_URL." >&2
    exit 1
fi

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    if command -v redis-server >/dev/null; then
        echo "Starting Redis..."
        redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
        for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done
    fi
fi
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    echo "Redis is not reachable on 127.0.0.1:6379; install it (apt-get install redis-server) or set REDIS_URL." >&2
    exit 1
fi

SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
apt_install() {
    $SUDO apt-get install -y -q "$@" >/dev/null || { $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q "$@" >/dev/null; }
}

if ! command -v chromium >/dev/null; then
    echo "Installing Debian's chromium (the browser tests drive it; no browser is downloaded)..."
    apt_install chromium
fi

if ! command -v docker-compose >/dev/null; then
    echo "Installing Debian's docker-compose (used to validate docker-compose.yml)..."
    apt_install docker-compose
fi
