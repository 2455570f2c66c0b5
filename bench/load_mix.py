"""What the load benchmark's people open: the page kinds (the names figures are reported under) and their mix.

Kept apart from bench/load_users.py, which imports locust (and with it gevent's monkey-patching), so the
orchestrator and the tests can name the pages without importing locust.
"""

import re

DASHBOARD, PLAN_LIST, PLAN, DIFF, FACILITY = "dashboard", "plan list", "plan page", "what changed", "facility page"
# The dashboard's panels, fetched after its page as htmx does (dashboard/panels.py); each is one request of this kind.
DASHBOARD_PANEL = "dashboard panel (htmx)"
DASHBOARD_PANEL_URL = re.compile(r'hx-get="(/dashboard/\d+/panels/[\w-]+/)"')
ACKNOWLEDGE, PUBLISH = "acknowledge (POST)", "publish (API POST)"
HTML_FLOOR, API_FLOOR = "floor: password change page", "floor: API plan list"
PAGE_KINDS = (DASHBOARD, DASHBOARD_PANEL, PLAN_LIST, PLAN, DIFF, FACILITY, ACKNOWLEDGE, HTML_FLOOR, API_FLOOR)
FLOORS = (HTML_FLOOR, API_FLOOR)
# The pages-alone phase: each of these requested alone, one kind after another (the dashboard without its panels;
# the panels one per request). Acknowledging is a POST, not a page, so it is measured in the mix only.
ALONE_KINDS = (DASHBOARD, DASHBOARD_PANEL, PLAN_LIST, PLAN, DIFF, FACILITY, HTML_FLOOR, API_FLOOR)
# How often each page comes up in a person's round (out of 21), interleaved so that the first eight pages of
# every round are the eight kinds: even a few seconds of two users measure every page. Only liaisons acknowledge.
WEIGHTS = {DASHBOARD: 4, PLAN_LIST: 3, PLAN: 4, DIFF: 2, FACILITY: 2, ACKNOWLEDGE: 2, HTML_FLOOR: 2, API_FLOOR: 2}
MIX = [name for turn in range(max(WEIGHTS.values())) for name, weight in WEIGHTS.items() if weight > turn]
