"""Forms of the page that sets an agency's required reading: a requirement, a group, a group's new member."""

from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.contrib.auth.models import User
from django.urls import reverse

from agencies.models import Agency, Role
from plans.models import Plan
from reading.models import DEFAULT_DUE_DAYS, Audience, ReadingGroup, ReadingGroupMember
from reading.selectors_manage import person_to_add, reading_groups_of, requirable_plans


def person_name(user: User) -> str:
    return user.get_full_name() or user.get_username()


def person_label(user: User) -> str:
    """A person as a picker shows them: their name, and the username when it differs."""
    name = person_name(user)
    return name if name == user.username else f"{name} ({user.username})"


@dataclass(frozen=True)
class RequirementChoices:
    """The plans and groups a requirement may name, read once for every form on a page."""

    agency_id: int
    plans: dict[int, Plan]
    groups: dict[int, ReadingGroup]

    @classmethod
    def of(cls, agency: Agency) -> "RequirementChoices":
        plans = {plan.pk: plan for plan in requirable_plans(agency=agency)}
        return cls(agency.pk, plans, {group.pk: group for group in reading_groups_of(agency=agency)})


class RequirementForm(forms.Form):
    """Which plan, who must read it, and within how many days of each new version."""

    plan = forms.TypedChoiceField(coerce=int, label="Plan")
    audience = forms.ChoiceField(
        choices=Audience.choices, initial=Audience.EVERYONE, label="Who must read it", widget=forms.RadioSelect
    )
    role = forms.ChoiceField(choices=[("", "—"), *Role.choices], required=False, label="Role (if by role)")
    group = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Group (if a group)")
    due_days = forms.IntegerField(
        min_value=1,
        max_value=365,
        initial=DEFAULT_DUE_DAYS,
        label="Days to acknowledge",
        help_text="After each new version is published (1 to 365).",
    )

    def __init__(self, *args: Any, choices: RequirementChoices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plans, self.groups = choices.plans, choices.groups
        own = [(pk, plan.title) for pk, plan in self.plans.items() if plan.owner_agency_id == choices.agency_id]
        shared = [
            (pk, f"{plan.title} ({plan.owner_agency.name})")
            for pk, plan in self.plans.items()
            if plan.owner_agency_id != choices.agency_id
        ]
        cast(forms.TypedChoiceField, self.fields["plan"]).choices = [
            ("", "Choose a plan"),
            ("Our plans", own),
            ("Shared with us", shared),
        ]
        cast(forms.TypedChoiceField, self.fields["group"]).choices = [
            ("", "—"),
            *((pk, group.name) for pk, group in self.groups.items()),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("audience") == Audience.ROLE and not data.get("role"):
            self.add_error("role", "Choose the role whose people must read the plan.")
        if data.get("audience") == Audience.GROUP and not data.get("group"):
            self.add_error("group", "Choose the group whose people must read the plan.")
        return data

    def plan_obj(self) -> Plan:
        return self.plans[self.cleaned_data["plan"]]

    def group_obj(self) -> ReadingGroup | None:
        group_id = self.cleaned_data.get("group")
        return self.groups.get(group_id) if group_id else None


class ReadingGroupForm(forms.Form):
    name = forms.CharField(max_length=100, label="Name", help_text="e.g. School Resource Officers, Patrol")
    description = forms.CharField(max_length=300, required=False, label="Description")


class GroupMemberAddForm(forms.Form):
    """One of the agency's people who is not in the group yet, by username: a department has thousands, so the
    page suggests matches as one types (`reading-group-people`) instead of listing everyone."""

    username = forms.CharField(
        max_length=150,
        label="Person",
        help_text="Their username; type part of a name or username to see suggestions.",
    )
    is_supervisor = forms.BooleanField(
        required=False, label="Supervisor", help_text="Sees the group's reading and is told weekly who is overdue."
    )

    def __init__(self, *args: Any, group: ReadingGroup, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.group = group
        self.fields["username"].widget.attrs.update(
            {
                "list": "reading-people-options",
                "autocomplete": "off",
                "hx-get": reverse("reading-group-people", kwargs={"agency_id": group.agency_id, "group_id": group.pk}),
                "hx-trigger": "input changed delay:250ms",
                "hx-target": "#reading-people-options",
                "hx-swap": "outerHTML",
            }
        )

    def clean_username(self) -> User:
        username = self.cleaned_data["username"]
        person = person_to_add(group=self.group, username=username)
        if person is None:
            already = ReadingGroupMember.objects.filter(group=self.group, user__username__iexact=username.strip())
            if already.exists():
                raise forms.ValidationError(f"'{username}' is already in {self.group.name}.")
            raise forms.ValidationError(
                f"No active member of {self.group.agency.name} is called '{username}': use their username."
            )
        return person

    def person(self) -> User:
        return cast(User, self.cleaned_data["username"])
