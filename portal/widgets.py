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
        if isinstance(self.choices, RenderedChoices):
            options = self.choices.options_html(selected)
        else:
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


class RenderedChoices(FlatChoices):
    """FlatChoices with distinct keys whose `<option>`s LongSelect writes once and reuses (the plan list keeps them
    between requests, plans/list_choices.py): marking the selected ones is a replacement of their opening tags."""

    def __init__(self, pairs: list[tuple[Any, str]]) -> None:
        super().__init__(pairs)
        if len({str(key) for key, _ in pairs}) != len(pairs):
            raise ValueError("RenderedChoices needs distinct keys")
        self._html: str | None = None

    def options_html(self, selected: set[str]) -> str:
        if self._html is None:
            self._html = "\n".join(
                f'<option value="{escape(str(key))}">{escape(str(label))}</option>' for key, label in self.pairs
            )
        html = self._html
        for key in selected:
            tag = f'<option value="{escape(key)}">'
            html = html.replace(tag, f'<option value="{escape(key)}" selected>', 1)
        return html
