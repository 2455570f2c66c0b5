from django.urls import path
from rest_framework.routers import SimpleRouter

from agencies.api import views

router = SimpleRouter()
router.register("agencies", views.AgencyViewSet, basename="agency")
router.register("facilities", views.FacilityViewSet, basename="facility")

urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    path("users/", views.UserCreateView.as_view(), name="user-create"),
    path("agencies/<int:agency_id>/memberships/", views.MembershipListView.as_view(), name="membership-list"),
    path(
        "agencies/<int:agency_id>/memberships/<int:membership_id>/",
        views.MembershipDetailView.as_view(),
        name="membership-detail",
    ),
    path(
        "agencies/<int:agency_id>/memberships/<int:membership_id>/resend-invitation/",
        views.MembershipInvitationResendView.as_view(),
        name="membership-invitation-resend",
    ),
    path(
        "agencies/<int:agency_id>/memberships/<int:membership_id>/end-sessions/",
        views.MembershipSessionsEndView.as_view(),
        name="membership-sessions-end",
    ),
    *router.urls,
]
