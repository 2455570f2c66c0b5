"""Web pages of required reading: manage (see docs/reading.md)."""

from django.urls import URLPattern, path

from reading import views_manage as views

reading = "agencies/<int:agency_id>/reading/"
requirement = f"{reading}requirements/<int:requirement_id>/"
group = f"{reading}groups/<int:group_id>/"
member = f"{group}members/<int:user_id>/"

urlpatterns: list[URLPattern] = [
    path(reading, views.reading_manage, name="reading-manage"),
    path(f"{reading}requirements/", views.reading_requirement_add, name="reading-requirement-add"),
    path(requirement, views.reading_requirement_edit, name="reading-requirement-edit"),
    path(f"{requirement}remove/", views.reading_requirement_remove, name="reading-requirement-remove"),
    path(f"{reading}groups/", views.reading_group_add, name="reading-group-add"),
    path(group, views.reading_group, name="reading-group"),
    path(f"{group}remove/", views.reading_group_remove, name="reading-group-remove"),
    path(f"{group}members/", views.reading_group_member_add, name="reading-group-member-add"),
    path(f"{group}people/", views.reading_group_people, name="reading-group-people"),
    path(f"{member}remove/", views.reading_group_member_remove, name="reading-group-member-remove"),
    path(f"{member}supervisor/", views.reading_group_member_supervisor, name="reading-group-member-supervisor"),
]
