"""Choices and widgets for long lists, which Django's own handle too slowly."""

from html import escape
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.choices import BaseChoiceIterator
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe


class LongSelect(forms.Select):
    """A `<select>` of flat choices written out in Python, for lists of a thousand options and more.

    Django renders each option through the template engine (tens of microseconds an option); the plan
    list's building filter at state scale has ~1,400 options, which made its page ten times the cost of
    a plain page (docs/benchmarks.md). Same markup and attributes as forms.Select; no optgroups.
    """

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        selected = set(self.format_value(value))
        options = "\n".join(
            f'<option value="{escape(str(key))}"{" selected" if str(key) in selected else ""}>'
            f"{escape(str(label))}</option>"
            for key, label in self.choices
        )
        # Every value and label above is escaped, as format_html escapes the name here.
        return format_html(
            '<select name="{}"{}>\n{}\n</select>',
            name,
            flatatt(self.build_attrs(self.attrs, attrs)),
            mark_safe(options),  # noqa: S308
        )


class FlatChoices(BaseChoiceIterator):
    """Flat (value, label) pairs that Django keeps as they are: a plain list is normalized again, pair by pair,
    each time a form's field and its widget are given it."""

    def __init__(self, pairs: list[tuple[Any, str]]) -> None:
        self.pairs = pairs

    def __iter__(self) -> Any:
        return iter(self.pairs)
