"""The compliance lists' filters and sort, and the evidence export's period: one form each, for pages and API."""

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone

from agencies.models import Role
from reading.plain_select import PlainSelect
from reading.selectors_compliance import PEOPLE_SORTS, PLAN_SORTS, ComplianceFilters, State

MAX_ID = 2**63 - 1  # PostgreSQL's bigint: a larger id matches nothing, and is still a whole number


def _sort_choices(sorts: dict[str, tuple], labels: dict[str, str]) -> list[tuple[str, str]]:
    return [(key, labels[key]) for key in sorts] + [(f"-{key}", f"{labels[key]} (reversed)") for key in sorts]


PLAN_SORT_CHOICES = _sort_choices(PLAN_SORTS, {"title": "Plan title", "overdue": "Most overdue", "read": "Least read"})
PEOPLE_SORT_CHOICES = _sort_choices(PEOPLE_SORTS, {"name": "Name", "overdue": "Most overdue", "due": "Due soonest"})


class ComplianceFilterForm(forms.Form):
    """`group` (a group id; one you may not see lists nobody), `role`, `state`, `plan` (an id) and `sort`."""

    group = forms.TypedChoiceField(label="Group", required=False, coerce=int, empty_value=None, widget=PlainSelect)
    role = forms.ChoiceField(
        label="Role", required=False, choices=[("", "Any role"), *Role.choices], widget=PlainSelect
    )
    state = forms.ChoiceField(
        label="State", required=False, choices=[("", "Any state"), *State.CHOICES], widget=PlainSelect
    )
    plan = forms.IntegerField(label="Plan", required=False, min_value=-MAX_ID, max_value=MAX_ID)
    sort = forms.ChoiceField(label="Sort by", required=False, widget=PlainSelect)

    def __init__(
        self,
        *args: Any,
        groups: list[tuple[int, str]],
        sorts: list[tuple[str, str]],
        any_group: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        group_field = self.fields["group"]
        if any_group:  # the API: any id is a valid filter, and one outside your scope lists nobody
            self.fields["group"] = forms.IntegerField(
                label="Group", required=False, min_value=-MAX_ID, max_value=MAX_ID
            )
        else:
            group_field.choices = [("", "Any group"), *((str(pk), name) for pk, name in groups)]  # type: ignore[attr-defined]
        self.fields["sort"].choices = sorts  # type: ignore[attr-defined]

    def filters(self) -> ComplianceFilters:
        data = self.cleaned_data
        return ComplianceFilters(
            group=data.get("group"),
            role=data.get("role") or None,
            state=data.get("state") or None,
            plan=data.get("plan"),
            sort=data.get("sort") or "",
        )


DEFAULT_PERIOD_DAYS = 365
EARLIEST = date(2000, 1, 1)
FORMATS = (("csv", "CSV (spreadsheet)"), ("pdf", "PDF (for the file)"))


class EvidencePeriodForm(forms.Form):
    """The period (first and last day, included) and the format of an evidence export."""

    since = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    format = forms.ChoiceField(label="Format", choices=FORMATS, initial="pdf", widget=forms.RadioSelect)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        today = timezone.localdate()
        until: date = data.get("until") or today
        period = timedelta(days=DEFAULT_PERIOD_DAYS)
        since: date = data.get("since") or (until - period if until > date.min + period else date.min)
        if since > until:
            self.add_error("since", "The first day must not be after the last day.")
        # Nothing happened before Concord or after today: clamping keeps the period's instants computable.
        data["since"], data["until"] = max(since, EARLIEST), min(until, max(today, EARLIEST))
        return data
