"""Web pages that change plans: create, edit metadata, drafts, sections, attachments, publish, withdraw, and
mark reviewed with no changes."""

from django.urls import path

from plans import views_autosave, views_edit, views_facts, views_import, views_lifecycle, views_reviews

urlpatterns = [
    path("plans/new/", views_edit.plan_create, name="create"),
    path("plans/<int:plan_id>/edit/", views_edit.plan_edit, name="edit"),
    # Importing from a Word document: a new plan, or a new draft of one (plans/views_import.py).
    path("plans/import/", views_import.plan_import, name="import"),
    path("plans/<int:plan_id>/import/", views_import.draft_import, name="draft-import"),
    path("plans/<int:plan_id>/drafts/new/", views_edit.draft_create, name="draft-new"),
    path("plans/<int:plan_id>/versions/<int:number>/edit/", views_edit.draft_edit, name="draft-edit"),
    path("plans/<int:plan_id>/versions/<int:number>/autosave/", views_autosave.draft_autosave, name="draft-autosave"),
    path("plans/<int:plan_id>/versions/<int:number>/preview/", views_edit.draft_preview, name="draft-preview"),
    path(
        "plans/<int:plan_id>/versions/<int:number>/attachments/upload/",
        views_edit.attachment_upload,
        name="attachment-upload",
    ),
    path(
        "plans/<int:plan_id>/versions/<int:number>/attachments/<int:attachment_id>/remove/",
        views_edit.attachment_remove,
        name="attachment-remove",
    ),
    path(
        "plans/<int:plan_id>/versions/<int:number>/facts/<int:facility_id>/",
        views_facts.draft_facts_save,
        name="draft-facts",
    ),
    path("plans/<int:plan_id>/versions/<int:number>/publish/", views_lifecycle.version_publish, name="publish"),
    path("plans/<int:plan_id>/versions/<int:number>/withdraw/", views_lifecycle.version_withdraw, name="withdraw"),
    path("plans/<int:plan_id>/reviewed/", views_reviews.plan_mark_reviewed, name="mark-reviewed"),
]
