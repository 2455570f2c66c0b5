#!/usr/bin/env bash
# PDF export (WeasyPrint) needs system libraries that pip cannot install: Pango (text layout, with HarfBuzz)
# and fonts. `make install` runs this after the virtualenv is built: if the virtualenv's WeasyPrint does not
# load, or no font is installed, it installs Debian's packages with apt-get (as root, or through sudo).
# Where that is impossible (no apt-get, no root) it says what to install and carries on: everything but PDF
# export works without Pango, and PDF export answers 503 with the same advice until it is installed.
# Usage: scripts/ensure-pango.sh [path/to/venv/python]
set -uo pipefail

PYTHON="${1:-.venv/bin/python}"
PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig fonts-dejavu-core fonts-liberation)

weasyprint_loads() { "$PYTHON" -c "import weasyprint" >/dev/null 2>&1; }
fonts_installed() { ! command -v fc-list >/dev/null || [ -n "$(fc-list 2>/dev/null | head -n 1)" ]; }
advise() {
    echo "PDF export is unavailable until WeasyPrint can load Pango: $1" >&2
    echo "  Debian/Ubuntu: apt-get install ${PACKAGES[*]}" >&2
    echo "  macOS: brew install pango    Fedora: dnf install pango google-noto-sans-fonts" >&2
    echo "  Then check with: $PYTHON -c 'import weasyprint'. Everything else works meanwhile." >&2
}

if weasyprint_loads && fonts_installed; then
    exit 0
fi
if ! command -v apt-get >/dev/null; then
    advise "this machine has no apt-get to install it with."
    exit 0
fi
SUDO=""
if [ "$(id -u)" != "0" ]; then
    if ! command -v sudo >/dev/null; then
        advise "installing it needs root (or sudo)."
        exit 0
    fi
    SUDO="sudo"
fi

echo "Installing Debian's Pango and fonts for PDF export (${PACKAGES[*]})..."
export DEBIAN_FRONTEND=noninteractive
apt_install() {
    $SUDO apt-get install -y -q --no-install-recommends "$@" >/dev/null ||
        { $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q --no-install-recommends "$@" >/dev/null; }
}
if ! apt_install "${PACKAGES[@]}"; then
    advise "apt-get could not install the packages."
    exit 0
fi
if ! weasyprint_loads; then
    advise "the packages are installed but WeasyPrint still fails: $("$PYTHON" -c 'import weasyprint' 2>&1 | tail -n 1)"
    exit 0
fi
echo "WeasyPrint loads: PDF export is available."
