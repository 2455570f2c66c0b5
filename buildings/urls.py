"""Web pages of building documents (the REST API lives in buildings/api/urls.py)."""

from django.urls import path

from buildings import views

app_name = "buildings"

document = "facilities/<int:facility_id>/documents/<int:document_id>/"

urlpatterns = [
    path("facilities/<int:facility_id>/documents/add/", views.document_add, name="document-add"),
    path(f"{document}replace/", views.document_replace, name="document-replace"),
    path(f"{document}versions/<int:number>/file/", views.document_file, name="document-file"),
]
