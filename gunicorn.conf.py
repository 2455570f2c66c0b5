"""gunicorn's settings (read from the working directory): Prometheus metrics added up across its workers.

Each worker process writes its request metrics to PROMETHEUS_MULTIPROC_DIR, emptied here when the server
starts; /metrics/ sums them (operations/views.py), and a worker that exits is marked dead so its gauges go.
"""

import os
import shutil
from pathlib import Path
from typing import Any

from prometheus_client import multiprocess

# One folder per server (its master's pid), so two servers on one machine never share or empty each other's.
_metrics_dir = Path(os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", f"/tmp/concord-prometheus-{os.getpid()}"))  # noqa: S108
shutil.rmtree(_metrics_dir, ignore_errors=True)
_metrics_dir.mkdir(parents=True)


def child_exit(server: Any, worker: Any) -> None:
    multiprocess.mark_process_dead(worker.pid)
