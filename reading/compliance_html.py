"""The compliance page's filter fields and per-plan rows as HTML built in Python.

The same markup as `agencies/_field.html` and the template's row loop: through the template engine, the four
fields (an include, a label and error-list template each) and 50 rows of a dozen variables were most of the
page's time once its queries were few (docs/benchmarks.md, "Required reading"). Every text is escaped.
"""

from collections.abc import Hashable, Iterable
from typing import Any

from django import forms
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from portal.process_cache import ProcessCache

_PLAN_ROW = (
    "      <tr>\n"
    '        <th scope="row" data-label="Plan"><a href="{}">{}</a> <span class="meta">v{}</span></th>\n'
    '        <td data-label="Read"><progress max="100" value="{}" aria-hidden="true"></progress> {} of {} ({}%)</td>\n'
    '        <td data-label="Due">{}</td>\n'
    '        <td data-label="Overdue">{}</td>\n'
    '        <td data-label="Longest overdue">{}</td>\n'
    "      </tr>"
)


def _overdue(row: dict[str, Any]) -> tuple[str, str]:
    if not row["overdue"]:
        return "0", "—"
    days = int(row["longest_overdue_days"])
    return f'<span class="tag tag--bad">{int(row["overdue"])}</span>', f"{days} day{'' if days == 1 else 's'}"


def plan_rows_html(rows: Iterable[dict[str, Any]]) -> SafeString:
    """The per-plan table's `<tr>`s (rows of `plan_summaries` completed by the view: url, due, percent): the
    texts escaped, the counts whole numbers."""
    html = "\n".join(
        _PLAN_ROW.format(
            escape(row["url"]),
            escape(row["plan__title"]),
            int(row["version__number"]),
            int(row["percent"]),
            int(row["acknowledged"]),
            int(row["required"]),
            int(row["percent"]),
            int(row["due"]),
            *_overdue(row),
        )
        for row in rows
    )
    return mark_safe(html)  # noqa: S308  # every text of it escaped above


def field_html(field: forms.BoundField) -> SafeString:
    """One labelled field as `agencies/_field.html` renders a field without a fieldset."""
    errors = str(field.errors) if field.errors else ""
    help_text = (
        format_html('<div class="help" id="{}_helptext">{}</div>', field.auto_id, field.help_text)
        if field.help_text
        else ""
    )
    label_for = field.id_for_label
    label = (
        format_html('<label for="{}">{}{}</label>', label_for, field.label, field.form.label_suffix or "")
        if label_for
        else format_html("<label>{}{}</label>", field.label, field.form.label_suffix or "")
    )
    return format_html(
        '<div class="field{}">\n  {}\n  {}\n  {}\n  {}\n</div>',
        " field--error" if field.errors else "",
        label,
        mark_safe(errors),  # noqa: S308  # Django's ErrorList renders escaped HTML
        field.as_widget(),
        help_text,
    )


def fields_html(form: forms.Form, names: Iterable[str]) -> SafeString:
    """The named fields of the form, one after the other."""
    return format_html_join("\n", "{}", ((field_html(form[name]),) for name in names))


KEPT_ENTRIES = 256
_kept: ProcessCache[tuple[Hashable, tuple[str | None, ...]], SafeString] = ProcessCache(KEPT_ENTRIES)


def kept_fields_html(form: forms.Form, names: tuple[str, ...], *, choices: Hashable) -> SafeString:
    """`fields_html`, kept in this process by what it is a function of: the fields' choices (`choices`: the caller's
    key for them, e.g. the groups and sorts offered) and the values submitted for them (each field's value and
    errors come from its own submitted value and choices alone)."""
    key = (choices, tuple(form.data.get(name) for name in names))
    return _kept.get_or_compute(key, lambda: fields_html(form, names))
