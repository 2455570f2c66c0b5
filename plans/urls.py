"""Web pages for plans (the REST API lives in plans/api/urls.py)."""

from django.urls import include, path

from plans import views, views_partners

app_name = "plans"

plan = "plans/<int:plan_id>/"

urlpatterns = [
    path("plans/", views.plan_list, name="list"),
    path(plan, views.plan_detail, name="detail"),
    path(f"{plan}versions/<int:number>/", views.version_detail, name="version"),
    path(f"{plan}diff/", views.plan_diff, name="diff"),
    path(f"{plan}print/", views.plan_print, name="print"),
    path(
        f"{plan}versions/<int:number>/attachments/<int:attachment_id>/download/",
        views.attachment_download,
        name="attachment-download",
    ),
    path(f"{plan}acknowledge/", views_partners.acknowledge, name="acknowledge"),
    path(f"{plan}share/", views_partners.share, name="share"),
    path(f"{plan}unshare/", views_partners.unshare, name="unshare"),
    # Creating and editing plans, drafts, attachments and publishing: plans/urls_edit.py.
    path("", include("plans.urls_edit")),
    # Downloading a version as PDF or Word: plans/urls_export.py.
    path("", include("plans.urls_export")),
]
