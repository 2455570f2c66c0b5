"""A `<select>` rendered by building its string: the compliance filters' four selects through Django's widget
templates (a template per option) were a sixth of the compliance page's time (docs/benchmarks.md)."""

from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


class PlainSelect(forms.Select):
    """The same markup as `forms.Select` for flat choices (no groups), without the template engine."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        final_attrs = self.build_attrs(self.attrs, attrs)
        chosen = self.format_value(value)  # strings; None is "", so the empty choice is the selected one
        options = []
        has_selected = False
        for option_value, label in self.choices:
            text = "" if option_value is None else str(option_value)
            selected = not has_selected and text in chosen
            has_selected = has_selected or selected
            options.append((text, " selected" if selected else "", label))
        return format_html(
            '<select name="{}"{}>\n{}\n</select>',
            name,
            flatatt(final_attrs),
            format_html_join("\n", '  <option value="{}"{}>{}</option>', options),
        )
