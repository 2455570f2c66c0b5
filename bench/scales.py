"""Sizes of the generated data sets, and the well-known names the benchmarks look their subjects up by."""

from dataclasses import dataclass

READER_USERNAME = "bench_reader"
READER_AGENCY_SLUG = "bench-reader-pd"
PUBLISHER_USERNAME = "bench_publisher"
HOT_OWNER_SLUG = "bench-hot-district"
DETAIL_PLAN_TITLE = "Bench detail plan: Lincoln High School crisis plan"
COLD_PLAN_TITLE = "Bench cold plan: shared with three partners"
HOT_PLAN_TITLE = "Bench hot plan: {audience} recipients"
# Shared with a few regular agencies that no hot plan reaches; the webhook endpoints belong to them.
WEBHOOK_PLAN_TITLE = "Bench webhook plan: shared with the agencies that run the receivers"
WEBHOOK_PLAN_AGENCIES = 5
# Every agency that a hot plan is shared with has this many members (the state target: 500 x 40 = 20,000).
HOT_AGENCY_MEMBERS = 40


@dataclass(frozen=True)
class Scale:
    """How much to generate: agencies, people, plans, and the audiences of the "hot" plans."""

    name: str
    agencies: int
    users: int
    plans: int
    # One hot plan per audience size: shared with enough 40-member agencies to reach that many people.
    hot_audiences: tuple[int, ...]
    # Plans the reader's agency may see (shared with it, plus the few public ones).
    reader_plans: int
    webhooks: int
    min_partners: int = 3
    max_partners: int = 30

    @property
    def hot_pool_agencies(self) -> int:
        """Agencies of exactly HOT_AGENCY_MEMBERS members that the hot plans are shared with."""
        return -(-max(self.hot_audiences) // HOT_AGENCY_MEMBERS)


SCALES: dict[str, Scale] = {
    # For the smoke test: seconds, not minutes.
    "tiny": Scale("tiny", agencies=40, users=600, plans=150, hot_audiences=(200,), reader_plans=60, webhooks=10),
    "small": Scale(
        "small", agencies=250, users=5_000, plans=1_000, hot_audiences=(500,), reader_plans=1_000, webhooks=500
    ),
    "medium": Scale(
        "medium",
        agencies=1_000,
        users=20_000,
        plans=10_000,
        hot_audiences=(500, 5_000),
        reader_plans=1_000,
        webhooks=500,
    ),
    "state": Scale(
        "state",
        agencies=5_000,
        users=100_000,
        plans=100_000,
        hot_audiences=(500, 5_000, 20_000),
        reader_plans=1_000,
        webhooks=500,
    ),
}
