"""Before/after of the plans_visible_to change, interleaved in one process on the same data.

    DATABASE_URL=... REDIS_URL=... .venv/bin/python -m bench.ab_visible -n 100

"before" is the selector as it was (`public OR id IN (grants)`, every column); "after" is the product's
current one. Both answer the same set of plans (checked first).
"""

import argparse
import json
import statistics
import time
from typing import Any


def _before(*, user: Any) -> Any:
    from django.db.models import Q

    from access.plans import granted_plan_ids
    from plans.models import Classification, Plan

    if not user.is_authenticated:
        return Plan.objects.none()
    return (
        Plan.objects.filter(Q(classification=Classification.PUBLIC) | Q(id__in=granted_plan_ids(user=user)))
        .select_related("owner_agency", "current_version")
        .prefetch_related("facilities")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=100)
    args = parser.parse_args()
    from bench.django_env import setup

    setup()
    from django.contrib.auth import get_user_model

    from bench import views
    from bench.clients import token_client
    from bench.scales import DETAIL_PLAN_TITLE, READER_USERNAME
    from plans.api import views as plan_api  # the name the plan API looks up on each request
    from plans.models import Plan

    after = plan_api.plans_visible_to
    reader = get_user_model().objects.get(username=READER_USERNAME)
    same = set(_before(user=reader).values_list("id", flat=True)) == set(
        after(user=reader).values_list("id", flat=True)
    )
    client = token_client(reader)
    detail = Plan.objects.get(title=DETAIL_PLAN_TITLE)
    urls = {
        "list": "/api/v1/plans/?page=1&page_size=50",
        "detail": f"/api/v1/plans/{detail.pk}/",
        "floor": "/bench/floor/",
    }
    views.FLOOR_PAGE = json.loads(client.get(urls["list"]).content)
    variants = {"before": _before, "after": after}
    samples: dict[tuple[str, str], list[float]] = {(v, u): [] for v in variants for u in urls}
    for round_ in range(args.n + 3):
        for variant, function in variants.items():
            plan_api.plans_visible_to = function
            for name, url in urls.items():
                started = time.perf_counter()
                response = client.get(url)
                elapsed = (time.perf_counter() - started) * 1000
                if response.status_code != 200:
                    raise RuntimeError(f"{variant} {url} answered {response.status_code}")
                if round_ >= 3:  # warm-up rounds
                    samples[(variant, name)].append(elapsed)
    plan_api.plans_visible_to = after
    print(f"same plans: {same}; plans {Plan.objects.count():,}; {args.n} interleaved rounds")
    for (variant, name), values in samples.items():
        p95 = statistics.quantiles(values, n=20)[18]
        print(f"{variant:7} {name:7} median {statistics.median(values):8.2f} ms   p95 {p95:8.2f} ms")


if __name__ == "__main__":
    main()
