"""API of required reading: compliance (see docs/reading.md)."""

from django.urls import URLPattern, path  # noqa: F401

urlpatterns: list[URLPattern] = []
