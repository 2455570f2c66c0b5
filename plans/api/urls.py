from django.urls import include, path
from rest_framework.routers import SimpleRouter

from plans.api import export_views, import_views, review_views, views

router = SimpleRouter()
router.register("plans", views.PlanViewSet, basename="plan")

version = "plans/<int:plan_id>/versions/<int:number>/"

urlpatterns = [
    # Before the router, whose plans/{id}/ would take "import" for an id.
    path("plans/import/", import_views.PlanImportView.as_view(), name="plan-import"),
    *router.urls,
    path("plans/<int:plan_id>/versions/", views.VersionListView.as_view(), name="version-list"),
    path(version, views.VersionDetailView.as_view(), name="version-detail"),
    path(f"{version}publish/", views.VersionPublishView.as_view(), name="version-publish"),
    path(f"{version}withdraw/", views.VersionWithdrawView.as_view(), name="version-withdraw"),
    path(f"{version}diff/", views.VersionDiffView.as_view(), name="version-diff"),
    path(f"{version}acknowledge/", views.VersionAcknowledgeView.as_view(), name="version-acknowledge"),
    path(f"{version}export.pdf", export_views.VersionExportPdfView.as_view(), name="version-export-pdf"),
    path(f"{version}export.docx", export_views.VersionExportDocxView.as_view(), name="version-export-docx"),
    path(f"{version}attachments/", views.AttachmentListView.as_view(), name="attachment-list"),
    path(
        f"{version}attachments/<int:attachment_id>/",
        views.AttachmentDetailView.as_view(),
        name="attachment-detail",
    ),
    path(
        f"{version}attachments/<int:attachment_id>/download/",
        views.AttachmentDownloadView.as_view(),
        name="attachment-download",
    ),
    path("plans/<int:plan_id>/acknowledgements/", views.AcknowledgementStatusView.as_view(), name="plan-acks"),
    path("plans/<int:plan_id>/shares/", views.ShareListView.as_view(), name="share-list"),
    path("plans/<int:plan_id>/shares/<int:agency_id>/", views.ShareDetailView.as_view(), name="share-detail"),
    path("plans/<int:plan_id>/reviews/", review_views.PlanReviewListView.as_view(), name="plan-reviews"),
    path("plans/<int:plan_id>/import/", import_views.DraftImportView.as_view(), name="plan-draft-import"),
    # Review comments on a version (reviews/api/).
    path("", include("reviews.api.urls")),
    path("facilities/<int:facility_id>/plans/", views.FacilityPlansView.as_view(), name="facility-plans"),
]
