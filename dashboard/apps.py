from django.apps import AppConfig


class DashboardConfig(AppConfig):
    """The start page: a cross-app page that reads every domain app, so it lives outside the kernel (portal/)."""

    name = "dashboard"
    verbose_name = "Dashboard"
