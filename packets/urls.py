"""Web pages of the field packet (the REST API lives in packets/api/urls.py)."""

from django.urls import path

from packets import views

app_name = "packets"

urlpatterns = [
    path("facilities/<int:facility_id>/packet/", views.facility_packet, name="facility-packet"),
    path("packets/<uuid:packet_id>/", views.packet_status, name="status"),
    path("packets/<uuid:packet_id>/file/", views.packet_file, name="file"),
]
