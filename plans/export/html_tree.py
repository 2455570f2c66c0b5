"""Sanitized section HTML (portal.markdown's tags only) as a small tree, for renderers that build a document
element by element instead of laying out HTML (the Word export)."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID_TAGS = frozenset({"br", "hr"})


@dataclass
class Element:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list["Element | str"] = field(default_factory=list)

    def text(self) -> str:
        """All the text inside, line breaks as newlines."""
        return "".join(
            child if isinstance(child, str) else ("\n" if child.tag == "br" else child.text())
            for child in self.children
        )

    def elements(self, *tags: str) -> list["Element"]:
        """Child elements (not text), only those of `tags` if given."""
        return [child for child in self.children if isinstance(child, Element) and (not tags or child.tag in tags)]


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("root")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(element)
        if tag not in VOID_TAGS:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Element(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        # Close up to the matching open element; a stray end tag is ignored.
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse_html(html: str) -> Element:
    """The fragment's elements and text under one root element."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root
