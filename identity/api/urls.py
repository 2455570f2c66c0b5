from django.urls import path

from identity.api import views

urlpatterns = [path("agencies/<int:agency_id>/sso/", views.AgencySSOView.as_view(), name="agency-sso")]
