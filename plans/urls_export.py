"""Web downloads of a version as PDF or Word (plans/views_export.py)."""

from django.urls import path

from plans import views_export

version = "plans/<int:plan_id>/versions/<int:number>/"

urlpatterns = [
    path(f"{version}export.pdf", views_export.version_export, {"fmt": "pdf"}, name="version-export-pdf"),
    path(f"{version}export.docx", views_export.version_export, {"fmt": "docx"}, name="version-export-docx"),
]
