"""Web actions of the review panels (the REST API lives in reviews/api/urls.py)."""

from django.urls import path

from reviews import views

app_name = "reviews"

urlpatterns = [
    path("plans/<int:plan_id>/versions/<int:number>/comments/", views.comment_post, name="comment-post"),
    path("plans/<int:plan_id>/comments/<int:comment_id>/resolve/", views.comment_resolve, name="comment-resolve"),
]
