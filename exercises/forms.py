"""Forms of the exercise pages: schedule or change an exercise, attendance, an observation, cancelling, the
report's summary and findings, a corrective action and closing one. They parse input only; the services check."""

from datetime import datetime
from typing import Any

from django import forms
from django.contrib.auth.models import User

from agencies.models import Agency, Facility
from exercises.models import ExerciseKind, ExerciseObjective, Finding, FindingKind
from exercises.services import ExercisePlan
from plans.models import Plan, PlanVersion


def _person(user: User) -> str:
    name = user.get_full_name() or user.get_username()
    return name if name == user.username else f"{name} ({user.username})"


class ExerciseForm(forms.Form):
    """Everything an exercise is: the same form schedules one and changes it."""

    lead_agency = forms.TypedChoiceField(coerce=int, label="Lead agency")
    title = forms.CharField(max_length=200)
    kind = forms.ChoiceField(choices=ExerciseKind.choices, label="Kind of exercise")
    starts_at = forms.DateTimeField(label="Starts", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    ends_at = forms.DateTimeField(label="Ends", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    facilities = forms.TypedMultipleChoiceField(
        coerce=int, required=False, label="Buildings", widget=forms.CheckboxSelectMultiple
    )
    participants = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        label="Participating agencies",
        help_text="They are alerted, and their admins record their own attendance and observations.",
        widget=forms.CheckboxSelectMultiple,
    )
    plan_versions = forms.TypedMultipleChoiceField(
        coerce=int, required=False, label="Plan versions exercised", widget=forms.CheckboxSelectMultiple
    )
    objectives = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, help_text="One objective per line."
    )
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(
        self,
        *args: Any,
        leads: list[Agency],
        facilities: list[Facility],
        agencies: list[Agency],
        versions: list[PlanVersion],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead_agency"].choices = [(a.pk, a.name) for a in leads]  # type: ignore[attr-defined]
        self.fields["facilities"].choices = [(f.pk, f.name) for f in facilities]  # type: ignore[attr-defined]
        self.fields["participants"].choices = [(a.pk, a.name) for a in agencies]  # type: ignore[attr-defined]
        self.fields["plan_versions"].choices = [  # type: ignore[attr-defined]
            (v.pk, f"{v.plan.title} — version {v.number}") for v in versions
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if isinstance(starts, datetime) and isinstance(ends, datetime) and ends < starts:
            self.add_error("ends_at", "The exercise cannot end before it starts.")
        return data

    def exercise_plan(self) -> ExercisePlan:
        data = self.cleaned_data
        return ExercisePlan(
            title=data["title"],
            kind=data["kind"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            description=data["description"],
            facility_ids=data["facilities"],
            participant_ids=data["participants"],
            version_ids=data["plan_versions"],
            objectives=data["objectives"].splitlines(),
        )


class AttendanceForm(forms.Form):
    """One agency's attendance: its people who took part, and counts of those who are not users."""

    attendees = forms.TypedMultipleChoiceField(
        coerce=int, required=False, label="Our people who took part", widget=forms.CheckboxSelectMultiple
    )
    staff_count = forms.IntegerField(min_value=0, max_value=100000, initial=0, label="School staff (not users)")
    student_count = forms.IntegerField(min_value=0, max_value=100000, initial=0, label="Students")

    def __init__(self, *args: Any, people: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attendees"].choices = [(u.pk, _person(u)) for u in people]  # type: ignore[attr-defined]


class ObservationForm(forms.Form):
    agency = forms.TypedChoiceField(coerce=int, label="For")
    objective = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Objective")
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Observation")

    def __init__(self, *args: Any, agencies: list[Agency], objectives: list[ExerciseObjective], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [(a.pk, a.name) for a in agencies]  # type: ignore[attr-defined]
        self.fields["objective"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *((o.pk, str(o)) for o in objectives),
        ]


class CancelForm(forms.Form):
    reason = forms.CharField(max_length=500, label="Why it is cancelled")


class SummaryForm(forms.Form):
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), required=False, label="Summary")


class FindingForm(forms.Form):
    """A strength or an area for improvement; the latter names the plan (and the section of its current version)
    it concerns. The section picker offers the chosen plan's sections (fetched when the plan changes)."""

    objective = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Objective")
    kind = forms.ChoiceField(choices=FindingKind.choices, widget=forms.RadioSelect, initial=FindingKind.STRENGTH)
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), label="Finding")
    plan = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Plan it concerns")
    section_key = forms.ChoiceField(
        required=False, label="Section it concerns", help_text="The sections of the chosen plan's current version."
    )

    def __init__(
        self,
        *args: Any,
        objectives: list[ExerciseObjective],
        plans: list[Plan],
        sections: list[tuple[str, str]],
        sections_url: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section_key"].choices = [("", "—"), *sections]  # type: ignore[attr-defined]
        if sections_url:  # htmx: choosing a plan fetches its sections into the picker
            self.fields["plan"].widget.attrs.update(
                {"hx-get": sections_url, "hx-target": "#finding-section", "hx-swap": "outerHTML"}
            )
        self.fields["objective"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *((o.pk, str(o)) for o in objectives),
        ]
        self.fields["plan"].choices = [("", "—"), *((p.pk, p.title) for p in plans)]  # type: ignore[attr-defined]


class ActionForm(forms.Form):
    """A corrective action on one area for improvement of the final report."""

    finding = forms.TypedChoiceField(coerce=int, label="Area for improvement")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    owning_agency = forms.TypedChoiceField(coerce=int, label="Owning agency")
    responsible = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Responsible person")
    due_on = forms.DateField(label="Due", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(
        self, *args: Any, findings: list[Finding], agencies: list[Agency], people: list[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["finding"].choices = [(f.pk, f.text[:80]) for f in findings]  # type: ignore[attr-defined]
        self.fields["owning_agency"].choices = [(a.pk, a.name) for a in agencies]  # type: ignore[attr-defined]
        self.fields["responsible"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *((u.pk, _person(u)) for u in people),
        ]


class CloseActionForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), label="Why no change is needed")
