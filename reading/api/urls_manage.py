"""API of required reading: manage (see docs/reading.md)."""

from django.urls import URLPattern, path

from reading.api import views_manage as views

agency = "agencies/<int:agency_id>/"
group = f"{agency}reading-groups/<int:group_id>/"

urlpatterns: list[URLPattern] = [
    path(f"{agency}reading-groups/", views.ReadingGroupListView.as_view(), name="reading-group-list"),
    path(group, views.ReadingGroupDetailView.as_view(), name="reading-group-detail"),
    path(f"{group}members/", views.ReadingGroupMemberListView.as_view(), name="reading-group-member-list"),
    path(
        f"{group}members/<int:user_id>/",
        views.ReadingGroupMemberDetailView.as_view(),
        name="reading-group-member-detail",
    ),
    path(f"{agency}reading-requirements/", views.ReadingRequirementListView.as_view(), name="reading-requirement-list"),
    path(
        f"{agency}reading-requirements/<int:requirement_id>/",
        views.ReadingRequirementDetailView.as_view(),
        name="reading-requirement-detail",
    ),
]
