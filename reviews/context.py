"""What the web pages show of reviews: threads per section, the forms, and the plan's open change requests.

A fixed number of queries whatever the number of comments (threads, their replies, open change requests).
"""

from collections import defaultdict
from typing import Any

from access.plans import PlanAccess
from plans.models import PlanVersion
from reviews import selectors


def review_context(*, access: PlanAccess, version: PlanVersion | None, section_keys: list[str]) -> dict[str, Any]:
    """The `review` context of a page showing `version` (None: no version shown, only the change requests)."""
    if not access.can_read_comments:
        return {}
    threads = selectors.comment_thread_list(access=access, version=version) if version is not None else []
    known = set(section_keys)
    by_section: dict[str, list] = defaultdict(list)
    general = []
    for thread in threads:
        if thread.section_key in known:
            by_section[thread.section_key].append(thread)
        else:
            general.append(thread)
    requests = selectors.open_change_requests(access=access)
    return {
        "review": {
            "version": version,
            "by_section": dict(by_section),
            "general": general,
            "count": len(threads),
            "open_requests": requests,
            "open_by_section": _group(requests),
            "can_comment": access.can_comment,
            "can_request_changes": access.can_request_changes,
            "can_resolve": access.can_resolve_comments,
        }
    }


def _group(requests: list) -> dict[str, list]:
    grouped: dict[str, list] = defaultdict(list)
    for request in requests:
        grouped[request.section_key].append(request)
    return dict(grouped)
