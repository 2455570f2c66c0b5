"""The editor's toolbar is a vendored npm package (scripts/vendor-js.sh): the committed copy is the one the
lock file names, so `make run` serves exactly the reviewed module without npm, and an upgrade goes through
the script."""

import hashlib
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
VENDOR = ROOT / "scripts" / "vendor-js"
PACKAGE = "@github/markdown-toolbar-element"


def test_the_committed_toolbar_module_is_the_version_and_integrity_the_lock_file_names():
    lock = json.loads((VENDOR / "package-lock.json").read_text())
    wanted = json.loads((VENDOR / "package.json").read_text())["dependencies"][PACKAGE]
    locked = lock["packages"][f"node_modules/{PACKAGE}"]
    record = json.loads((VENDOR / "vendored.json").read_text())[PACKAGE]
    assert locked["version"] == wanted == record["version"]
    assert locked["integrity"] == record["integrity"]
    assert record["integrity"].startswith("sha512-")
    for path, sha256 in record["files"].items():
        assert hashlib.sha256((ROOT / path).read_bytes()).hexdigest() == sha256, f"{path} differs from the vendored"


def test_the_vendored_module_is_served_by_the_app_with_its_licence(client):
    module = ROOT / "plans" / "static" / "plans" / "vendor" / "markdown-toolbar-element.js"
    assert "export default MarkdownToolbarElement" in module.read_text()
    assert "MIT" in (module.parent / "markdown-toolbar-element.LICENSE.txt").read_text()
    response = client.get("/static/plans/vendor/markdown-toolbar-element.js")
    assert response.status_code == 200
    assert b"markdown-toolbar" in b"".join(response.streaming_content if response.streaming else [response.content])
