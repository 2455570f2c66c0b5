from django.urls import path
from rest_framework.routers import SimpleRouter

from agencies.api import facility_people, views

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
    path(
        "facilities/<int:facility_id>/contacts/",
        facility_people.FacilityContactListView.as_view(),
        name="facility-contact-list",
    ),
    path(
        "facilities/<int:facility_id>/contacts/<int:contact_id>/",
        facility_people.FacilityContactDetailView.as_view(),
        name="facility-contact-detail",
    ),
    path(
        "facilities/<int:facility_id>/assignments/",
        facility_people.FacilityAssignmentListView.as_view(),
        name="facility-assignment-list",
    ),
    path(
        "facilities/<int:facility_id>/assignments/<int:assignment_id>/end/",
        facility_people.FacilityAssignmentEndView.as_view(),
        name="facility-assignment-end",
    ),
    *router.urls,
]
