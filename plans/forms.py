"""Browser forms for creating plans and editing drafts; each checks exactly what the matching service accepts."""

import re
from typing import Any, cast
from uuid import uuid4

from django import forms
from django.conf import settings
from django.contrib.auth.models import User
from django.core.validators import validate_slug
from django.db.models import Case, Q, QuerySet, Value, When
from django.utils.text import slugify

from access.plans import granted_plan_ids
from agencies.models import Agency, Facility
from agencies.selectors import facilities_visible_to
from plans.api.serializers import MAX_SECTION_BODY, MAX_SECTIONS
from plans.models import Classification, Plan, PlanKind, classification_lowers
from plans.upload_checks import ALLOWED_DESCRIPTION

MAX_HAZARDS = 50
MAX_HAZARD_LENGTH = 100
MAX_CHANGE_SUMMARY = 5000
KEY_MAX_LENGTH = 80

START_TEMPLATE = "template"
START_BLANK = "blank"
BLANK_SECTION = {"key": "overview", "title": "Overview", "body": ""}


def facility_choices(*, user: User, agency_ids: list[int], plan: Plan | None = None) -> QuerySet[Facility]:
    """Buildings worth offering: owned by, staffed by or planned for by the person's agencies (and the plan's own)."""
    wanted = (
        Q(owner_agency_id__in=agency_ids)
        | Q(assignments__agency_id__in=agency_ids)
        | Q(plans__in=granted_plan_ids(user=user))
    )
    if plan is not None:
        wanted |= Q(plans=plan)
    ids = facilities_visible_to(user=user).filter(wanted).values("pk")
    own_first = Case(When(owner_agency_id__in=agency_ids, then=Value(0)), default=Value(1))
    return facilities_visible_to(user=user).filter(pk__in=ids).order_by(own_first, "owner_agency__name", "name")


class FacilityChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Facility) -> str:
        return f"{obj.name} — {obj.owner_agency.name}"


def parse_hazards(text: str) -> list[str]:
    """Hazards typed as a comma- or line-separated list, trimmed, without repeats, in the order given."""
    seen: dict[str, str] = {}
    for part in re.split(r"[,\n]", text or ""):
        hazard = " ".join(part.split())
        if hazard and hazard.lower() not in seen:
            seen[hazard.lower()] = hazard
    return list(seen.values())


class LabelledForm(forms.Form):
    """Labels read exactly as written (no trailing colon)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class PlanForm(LabelledForm):
    """A plan's metadata (everything but its owner, which never changes)."""

    title = forms.CharField(max_length=200, help_text="For example “Maple Valley High crisis plan”.")
    kind = forms.ChoiceField(choices=PlanKind.choices)
    facilities = FacilityChoiceField(
        queryset=Facility.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Buildings this plan covers",
        help_text="Responders opening a building's page see the current plan of every agency that covers it.",
    )
    classification = forms.ChoiceField(
        choices=Classification.choices,
        initial=Classification.PARTNER,
        help_text="Public: every signed-in person may read it. Partners only: your agency and the agencies you "
        "share it with. Law-enforcement sensitive: like partners only, and every read is recorded.",
    )
    review_interval_days = forms.IntegerField(
        min_value=1,
        max_value=3650,
        initial=365,
        label="Review interval (days)",
        help_text="Publishing sets the next review date this many days ahead; the federal guide asks for a yearly "
        "review (365).",
    )
    hazards = forms.CharField(
        required=False,
        max_length=MAX_HAZARDS * (MAX_HAZARD_LENGTH + 2),
        help_text="Separate them with commas, e.g. “Active threat, Fire, Severe weather”.",
    )

    def __init__(self, *args: Any, facilities: QuerySet[Facility], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(FacilityChoiceField, self.fields["facilities"]).queryset = facilities.select_related("owner_agency")

    def clean_title(self) -> str:
        title = " ".join(self.cleaned_data["title"].split())
        if not title:
            raise forms.ValidationError("Give the plan a title.")
        return title

    def clean_hazards(self) -> list[str]:
        hazards = parse_hazards(self.cleaned_data.get("hazards", ""))
        if len(hazards) > MAX_HAZARDS:
            raise forms.ValidationError(f"List at most {MAX_HAZARDS} hazards.")
        too_long = [h for h in hazards if len(h) > MAX_HAZARD_LENGTH]
        if too_long:
            raise forms.ValidationError(
                f"Each hazard may be at most {MAX_HAZARD_LENGTH} characters; shorten “{too_long[0][:40]}…”."
            )
        return hazards


class PlanCreateForm(PlanForm):
    """A new plan: its owner agency and how its first draft starts."""

    owner_agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        empty_label=None,
        label="Owner agency",
        help_text="Only agencies where you are an admin or a planner.",
    )
    start = forms.ChoiceField(
        choices=[
            (
                START_TEMPLATE,
                "Standard sections — for a school EOP, the federal school EOP structure (basic plan, "
                "functional annexes, threat and hazard annexes)",
            ),
            (START_BLANK, "Blank — one empty section"),
        ],
        initial=START_TEMPLATE,
        widget=forms.RadioSelect,
        label="Start the first draft from",
    )

    # One key per form shown: the same form sent twice (a double-click) creates one plan (plan_create_once).
    creation_key = forms.UUIDField(widget=forms.HiddenInput, required=False)

    field_order = ["owner_agency", "title", "kind", "facilities", "classification", "review_interval_days", "hazards"]

    def __init__(self, *args: Any, owner_agencies: QuerySet[Agency], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["owner_agency"]).queryset = owner_agencies
        self.fields["creation_key"].initial = uuid4


class PlanEditForm(PlanForm):
    """Metadata of an existing plan, pre-filled from it.

    The classification decides who may read the plan, so only the owner's admins may change it (for anyone
    else the field is shown disabled), and lowering it must be confirmed explicitly.
    """

    confirm_lower_classification = forms.BooleanField(
        required=False,
        label="Yes, lower the classification: more people will be able to read this plan",
        help_text="Needed when the new classification is less restrictive than the current one; the agency's "
        "admins are alerted.",
    )

    def __init__(self, *args: Any, may_reclassify: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.may_reclassify = may_reclassify
        if not may_reclassify:
            classification = self.fields["classification"]
            classification.disabled = True
            classification.help_text = "Only admins of the owner agency may change the classification."
            del self.fields["confirm_lower_classification"]

    def lowers_classification(self) -> bool:
        new = self.cleaned_data.get("classification")
        old = self.initial.get("classification")
        return bool(new and old and classification_lowers(old=old, new=new))

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if self.lowers_classification() and not cleaned.get("confirm_lower_classification"):
            self.add_error(
                "confirm_lower_classification",
                "You are lowering the classification, so more people will be able to read this plan: tick the "
                "box to confirm.",
            )
        return cleaned

    @classmethod
    def initial_for(cls, plan: Plan) -> dict[str, Any]:
        return {
            "title": plan.title,
            "kind": plan.kind,
            "facilities": list(plan.facilities.all()),
            "classification": plan.classification,
            "review_interval_days": plan.review_interval_days,
            "hazards": ", ".join(plan.hazards or []),
        }

    def changes(self) -> dict[str, Any]:
        """Only what the person changed, as plan_update's keyword fields."""
        skipped = {"hazards", "confirm_lower_classification"}
        data = {name: self.cleaned_data[name] for name in self.changed_data if name not in skipped}
        if "hazards" in self.changed_data and self.cleaned_data["hazards"] != parse_hazards(self.initial["hazards"]):
            data["hazards"] = self.cleaned_data["hazards"]
        if "facilities" in data:
            data["facilities"] = list(data["facilities"])
        return data


def _unique_key(title: str, taken: set[str]) -> str:
    """A slug of the title that no other section of the draft uses."""
    base = slugify(title)[:KEY_MAX_LENGTH].strip("-") or "section"
    key, counter = base, 2
    while key in taken:
        suffix = f"-{counter}"
        key = base[: KEY_MAX_LENGTH - len(suffix)].rstrip("-") + suffix
        counter += 1
    return key


def clean_text(text: str) -> str:
    # Browsers send textarea line breaks as CRLF; stored Markdown uses LF so diffs compare like with like.
    return (text or "").replace("\r\n", "\n").replace("\r", "\n")


class SectionForm(LabelledForm):
    """One section of a draft: its title, Markdown body and (rarely touched) key."""

    title = forms.CharField(max_length=200, error_messages={"required": "Give this section a title."})
    key = forms.CharField(
        max_length=KEY_MAX_LENGTH,
        required=False,
        label="Key",
        help_text="Identifies the section across versions (diffs, comments). Leave empty to make one from the title.",
    )
    body = forms.CharField(
        required=False,
        strip=False,
        max_length=MAX_SECTION_BODY,
        widget=forms.Textarea(attrs={"rows": 8}),
        label="Text",
        help_text="Markdown: **bold**, *italic*, “- ” for lists, “## ” for headings, | tables |.",
    )

    def clean_title(self) -> str:
        title = " ".join(self.cleaned_data["title"].split())
        if not title:
            raise forms.ValidationError("Give this section a title.")
        return title

    def clean_key(self) -> str:
        key = self.cleaned_data.get("key", "").strip()
        if key:
            try:
                validate_slug(key)
            except forms.ValidationError as exc:
                raise forms.ValidationError(
                    "A key may contain only letters, numbers, hyphens and underscores; "
                    "leave it empty to make one from the title."
                ) from exc
        return key

    def clean_body(self) -> str:
        return clean_text(self.cleaned_data.get("body", ""))


class BaseSectionFormSet(forms.BaseFormSet):
    """The draft's sections in order; keys are unique, and missing ones are made from titles."""

    default_error_messages = {
        "too_many_forms": "A version may have at most %(num)d sections; remove some before saving.",
        "missing_management_form": "The editor form arrived incomplete; reload the editor and make your change again.",
    }

    def clean(self) -> None:
        if any(self.errors):
            return
        taken: set[str] = set()
        for form in self.forms:
            key = form.cleaned_data.get("key")
            if not key:
                continue
            if key in taken:
                form.add_error(
                    "key",
                    f"Another section already uses the key “{key}”; change it or leave it empty to make one "
                    "from the title.",
                )
            taken.add(key)
        if any(self.errors):
            return
        for form in self.forms:
            if not form.cleaned_data.get("key"):
                form.cleaned_data["key"] = _unique_key(form.cleaned_data["title"], taken)
                taken.add(form.cleaned_data["key"])

    def sections(self) -> list[dict[str, str]]:
        return [{k: form.cleaned_data[k] for k in ("key", "title", "body")} for form in self.forms]


# formset_factory returns a subclass of `formset`; the stubs say only BaseFormSet.
SectionFormSet = cast(
    type[BaseSectionFormSet],
    forms.formset_factory(
        SectionForm,
        formset=BaseSectionFormSet,
        extra=0,
        max_num=MAX_SECTIONS,
        absolute_max=MAX_SECTIONS,
        validate_max=True,
    ),
)


def new_section(*, title: str, taken: set[str]) -> dict[str, str]:
    """A new empty section whose key is made from its title."""
    return {"key": _unique_key(title, taken), "title": title, "body": ""}


class DraftForm(LabelledForm):
    """The parts of the editor that are not sections: summary, the section to add, and when the page was loaded."""

    change_summary = forms.CharField(
        required=False,
        max_length=MAX_CHANGE_SUMMARY,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Change summary",
        help_text="What changed and why, in a sentence or two; partners read it in their alert.",
    )
    # The draft's last-saved time when the editor was opened: a save over someone else's newer save is refused.
    loaded = forms.CharField(required=False, widget=forms.HiddenInput)
    new_title = forms.CharField(
        required=False, max_length=200, label="Title of the new section", help_text="For example “Bus evacuation”."
    )
    new_position = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label="Place it", choices=[("", "At the end")]
    )

    def __init__(self, *args: Any, section_titles: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["new_position"]).choices = [
            ("", "At the end"),
            ("0", "At the top"),
            *((str(i + 1), f"After “{title}”") for i, title in enumerate(section_titles)),
        ]

    def clean_change_summary(self) -> str:
        return clean_text(self.cleaned_data.get("change_summary", "")).strip()

    def clean_new_title(self) -> str:
        return " ".join(self.cleaned_data.get("new_title", "").split())


class AttachmentForm(LabelledForm):
    """One file to attach to a draft; its real type is decided from its bytes by the service."""

    file = forms.FileField(
        label="File",
        max_length=255,
        allow_empty_file=False,
        widget=forms.FileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.docx"}),
        error_messages={"required": "Choose a file to upload.", "empty": "The file is empty; choose another."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit = settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)
        self.fields["file"].help_text = f"{ALLOWED_DESCRIPTION}, at most {limit} MB: maps, floor plans, signed pages."
