"""The README stands on its own: every path it links to or names is a file of this repository."""

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
# [text](target) and ![alt](target), the target up to a space or the closing parenthesis.
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
# A path that climbs out of the working directory, or an absolute path on someone's machine, written anywhere.
OUTSIDE = re.compile(r"(?<![\w/.])(?:\.\./[\w./-]+|/(?:work|home|Users|tmp|srv|opt)/[\w./-]+)")


def _text_outside_code_blocks() -> str:
    """The README without its fenced code blocks (commands there may use any path)."""
    return re.sub(r"^```.*?^```", "", README.read_text(), flags=re.MULTILINE | re.DOTALL)


def test_every_relative_link_in_the_readme_is_a_file_of_the_repository():
    checked = 0
    for target in LINK.findall(_text_outside_code_blocks()):
        parts = urlsplit(target)
        if parts.scheme or parts.netloc or not parts.path:  # a web address, mailto:, or an anchor in the README
            continue
        path = (ROOT / unquote(parts.path)).resolve()
        assert path.is_relative_to(ROOT), f"README links outside the repository: {target}"
        assert path.exists(), f"README links to a missing file: {target}"
        checked += 1
    assert checked >= 5  # docs/ pages and screenshots


def test_the_readme_names_no_path_outside_the_repository():
    outside = OUTSIDE.findall(README.read_text())
    assert outside == [], f"README points outside the repository: {outside}"


def test_the_readme_introduction_names_what_has_shipped():
    introduction = README.read_text().split("\n## ", 1)[0].lower()
    assert "milestone" not in introduction
    for shipped in ("review comments", "concurrence", "consistency checks"):
        assert shipped in introduction
