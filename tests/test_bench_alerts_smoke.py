"""The alert-throughput benchmark at its smallest: the tiny data set, 10 endpoints on the loopback receiver, real
solo Celery workers (one connection per delivery, then kept-alive connections), the urllib3 floor, and e-mail to
an SMTP sink against smtplib; `make bench-alerts` runs it in full."""

import pytest
from django.db import transaction

from bench.alert_report import render
from bench.alert_throughput import measure_alert_throughput
from bench.generate import generate
from bench.scales import SCALES

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_alert_bench_delivers_every_webhook_and_e_mail_and_counts_the_connections_it_opened():
    with transaction.atomic():
        generate(scale=SCALES["tiny"], progress=lambda line: None)
    lines: list[str] = []

    result = measure_alert_throughput(endpoints=10, variants=(("solo", 1),), progress=lines.append)

    fresh, kept = result["webhooks"]
    for run in (fresh, kept):
        assert run["sent"] == run["deliveries"] == run["received"] == 10
        assert run["deliveries_per_second"] > 0
        assert run["worker_cpu_ms_per_delivery"] > 0
    # One connection per delivery before; afterwards one worker keeps one connection to the shared receiver.
    assert fresh["connections"] == 10
    assert kept["connections"] == 1
    (floor,) = result["webhook_floor"]
    assert floor["sent"] == 10
    assert floor["connections"] == 1
    email = result["email"]
    assert email["sent"] == email["emails"] == email["received"] > 0
    assert email["smtp_sessions"] == -(-email["emails"] // 100)  # one SMTP session per batch of 100
    assert result["email_floor"]["received"] == result["email_floor"]["emails"] >= email["emails"]
    assert any("kept-alive" in line for line in lines)
    result.update(scale="tiny", load_average_start=(1.0, 1.0, 1.0), load_average_end=(1.0, 1.0, 1.0), machine={})
    assert "| solo x 1 | kept alive | 10 / 10 |" in render(result)
