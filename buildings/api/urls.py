from django.urls import path

from buildings.api import views

documents = "facilities/<int:facility_id>/documents/"
document = f"{documents}<int:document_id>/"

urlpatterns = [
    path(documents, views.FacilityDocumentListView.as_view(), name="facility-document-list"),
    path(document, views.FacilityDocumentDetailView.as_view(), name="facility-document-detail"),
    path(f"{document}versions/", views.FacilityDocumentVersionsView.as_view(), name="facility-document-versions"),
    path(
        f"{document}versions/<int:number>/download/",
        views.FacilityDocumentDownloadView.as_view(),
        name="facility-document-download",
    ),
]
