"""PDF export needs Debian's Pango and fonts, which pip cannot install: `make install` (and so `make run` and
`make test`) runs scripts/ensure-pango.sh, and the Docker image installs the same packages. Where they cannot be
installed the script says what to do and the rest of Concord still installs and runs."""

import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "ensure-pango.sh"


def _script_packages() -> list[str]:
    match = re.search(r"^PACKAGES=\(([^)]*)\)", SCRIPT.read_text(), re.M)
    assert match, "scripts/ensure-pango.sh lists its packages in PACKAGES=(...)"
    return match.group(1).split()


@pytest.mark.parametrize("target", ["run", "install", "test"])
def test_make_runs_the_pango_check_with_the_virtualenvs_python(target):
    planned = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        ["make", "-n", "-B", target],  # noqa: S607 - make from the PATH, as the README runs it
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "bash scripts/ensure-pango.sh .venv/bin/python" in planned


def test_the_image_installs_the_same_packages_and_checks_that_weasyprint_loads():
    dockerfile = (ROOT / "Dockerfile").read_text()
    apt_line = dockerfile.split("apt-get install", 1)[1].split("&&", 1)[0]
    # The image installs every package the script does (and the PostgreSQL client of the backup scripts).
    image_packages = {word for word in apt_line.split() if not word.startswith(("-", "\\"))}
    assert set(_script_packages()) <= image_packages
    assert {"libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0"} <= set(_script_packages())
    assert 'python -c "import weasyprint"' in dockerfile


def test_weasyprint_loads_in_this_virtualenv():
    done = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [str(ROOT / ".venv" / "bin" / "python"), "-c", "import weasyprint; print(weasyprint.__version__)"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "70.0"


def test_without_apt_get_the_script_says_what_to_install_and_does_not_fail_the_install(tmp_path):
    python = tmp_path / "python"  # a virtualenv whose WeasyPrint cannot load Pango
    python.write_text("#!/bin/sh\nexit 1\n")
    python.chmod(0o755)
    done = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        ["/bin/bash", str(SCRIPT), str(python)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PATH": str(tmp_path)},  # no apt-get, no sudo
    )
    assert done.returncode == 0
    assert "PDF export is unavailable until WeasyPrint can load Pango" in done.stderr
    assert "no apt-get" in done.stderr
    assert "apt-get install libpango-1.0-0" in done.stderr
    assert "brew install pango" in done.stderr
