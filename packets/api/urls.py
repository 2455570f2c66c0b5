from django.urls import path

from packets.api import views

urlpatterns = [
    path("facilities/<int:facility_id>/packet/", views.FacilityPacketView.as_view(), name="facility-packet"),
    path("packets/<uuid:packet_id>/", views.PacketDetailView.as_view(), name="field-packet-detail"),
    path("packets/<uuid:packet_id>/file/", views.PacketFileView.as_view(), name="field-packet-file"),
]
