from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Health, readiness and metrics for the people who run Concord (docs/operations.md)."""

    name = "operations"
    verbose_name = "Operations"

    def ready(self) -> None:
        # Counters kept in Redis by whichever process sees the event (task runs in workers, lockouts in web).
        from operations import counters  # noqa: F401
