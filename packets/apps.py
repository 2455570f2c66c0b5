from django.apps import AppConfig


class PacketsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "packets"
    verbose_name = "Field packets"
