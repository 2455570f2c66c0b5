from django.apps import AppConfig


class ReadingConfig(AppConfig):
    """Required reading: which plans each agency's own people must read, and who has read the current version."""

    name = "reading"
    verbose_name = "Required reading"
