"""Forms of the training pages: a session (recorded directly), a training requirement, an exercise's training."""

from typing import Any, cast

from django import forms
from django.contrib.auth.models import User

from agencies.models import Agency, Role
from reading.forms import RequirementChoices, RequirementForm, person_label
from reading.models import ReadingGroup
from reading.selectors_training import TrainingState, agency_people, trainable_versions_of
from reading.services_training import SessionInput


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return person_label(obj)


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return person_label(obj)


class VersionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.plan.title} v{obj.number} ({obj.get_state_display().lower()})"


class TrainingSessionForm(forms.Form):
    """Which plan versions, when, the trainer, and who was trained: the agency's people, its groups, school staff."""

    title = forms.CharField(max_length=200, label="Training")
    trained_on = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    trainer = PersonChoiceField(queryset=User.objects.none(), required=False, label="Trainer")
    plan_versions = VersionChoiceField(queryset=None, label="Plan versions covered")
    trainees = PeopleChoiceField(queryset=User.objects.none(), required=False, label="People trained")
    groups = forms.ModelMultipleChoiceField(
        queryset=ReadingGroup.objects.none(), required=False, label="Groups trained (everyone in them)"
    )
    staff_names = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 4}), label="School staff trained (one name a line)"
    )
    staff_count = forms.IntegerField(
        required=False, min_value=0, max_value=100_000, label="School staff in all", help_text="Blank: the names."
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)

    def __init__(self, *args: Any, agency: Agency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = agency_people(agency=agency)
        cast(forms.ModelChoiceField, self.fields["trainer"]).queryset = people
        cast(forms.ModelMultipleChoiceField, self.fields["trainees"]).queryset = people
        cast(forms.ModelMultipleChoiceField, self.fields["groups"]).queryset = ReadingGroup.objects.filter(
            agency=agency
        ).order_by("name")
        cast(forms.ModelMultipleChoiceField, self.fields["plan_versions"]).queryset = trainable_versions_of(
            agency=agency
        )

    def session_input(self) -> SessionInput:
        data = self.cleaned_data
        return SessionInput(
            title=data["title"],
            trained_on=data["trained_on"],
            trainer_id=data["trainer"].pk if data.get("trainer") else None,
            version_ids=[version.pk for version in data["plan_versions"]],
            trainee_ids=[user.pk for user in data.get("trainees") or []],
            group_ids=[group.pk for group in data.get("groups") or []],
            staff_names=(data.get("staff_names") or "").splitlines(),
            staff_count=data.get("staff_count"),
            notes=data.get("notes") or "",
        )


class TrainingRequirementForm(RequirementForm):
    """A reading requirement's plan and audience; instead of days to acknowledge, how often to train again."""

    due_days = None  # type: ignore[assignment]
    refresh_months = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=120,
        label="Train again every (months)",
        help_text="Blank: trained on the current version is enough.",
    )

    def __init__(self, *args: Any, choices: RequirementChoices, **kwargs: Any) -> None:
        super().__init__(*args, choices=choices, **kwargs)
        self.fields["audience"].label = "Who must be trained"


class ExerciseTrainingForm(forms.Form):
    """Which participating agency's attendees were trained (one the person records attendance for)."""

    agency = forms.TypedChoiceField(coerce=int, label="Agency")

    def __init__(self, *args: Any, agencies: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["agency"]).choices = agencies


class TrainingFilterForm(forms.Form):
    group = forms.TypedChoiceField(label="Group", required=False, coerce=int, empty_value=None)
    role = forms.ChoiceField(label="Role", required=False, choices=[("", "Any role"), *Role.choices])
    state = forms.ChoiceField(label="State", required=False, choices=[("", "Any state"), *TrainingState.CHOICES])
    plan = forms.TypedChoiceField(label="Plan", required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, groups: list[tuple[int, str]], plans: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["group"]).choices = [("", "Any group"), *groups]
        cast(forms.TypedChoiceField, self.fields["plan"]).choices = [("", "Any plan"), *plans]
