"""The facility page's key facts: what each plan covering the building states, side by side."""

from collections.abc import Sequence
from typing import Any

from django.http import HttpRequest

from access.http import readable_plans, record_sensitive_read
from agencies.models import Facility
from consistency.fact_selectors import facility_facts_compared, plans_stating_facts
from plans.models import Plan


def facility_facts_context(request: HttpRequest, facility: Facility, plans: Sequence[Plan]) -> dict[str, Any]:
    """The facility page's fact-by-plan table for the visible `plans` (facility_current_plans of this user);
    showing a law-enforcement-sensitive plan's facts is audited as a read of that plan's current version."""
    # A plan whose content needs a second factor this session did not pass states none of its facts here.
    plans = readable_plans(request, plans)
    rows = facility_facts_compared(user=request.user, facility=facility, plans=plans)
    for plan in plans_stating_facts(plans=plans, rows=rows):
        record_sensitive_read(request, plan, "facts", obj=plan.current_version)
    # The table's columns are these plans, in this order: a withheld plan has no column at all.
    return {"fact_rows": rows, "fact_plans": plans}
