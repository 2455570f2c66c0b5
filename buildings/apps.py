from django.apps import AppConfig


class BuildingsConfig(AppConfig):
    name = "buildings"
    verbose_name = "Building documents"
