from django.urls import path
from rest_framework.routers import SimpleRouter

from accounts.api import mfa, views

router = SimpleRouter()
router.register("auth/tokens", views.ApiTokenViewSet, basename="api-token")

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="auth-token"),
    path("auth/logout/", views.LogoutView.as_view(), name="auth-logout"),
    path("auth/logout-all/", views.LogoutAllView.as_view(), name="auth-logout-all"),
    path("me/mfa/", mfa.MyMfaView.as_view(), name="me-mfa"),
    path("agencies/<int:agency_id>/mfa-enrolment/", mfa.AgencyMfaEnrolmentView.as_view(), name="agency-mfa-enrolment"),
    path("auth/sign-out-everywhere/", views.SignOutEverywhereView.as_view(), name="auth-sign-out-everywhere"),
    *router.urls,
]
