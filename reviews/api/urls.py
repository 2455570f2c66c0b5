from django.urls import path

from reviews.api import views

version = "plans/<int:plan_id>/versions/<int:number>/"

urlpatterns = [
    path(f"{version}comments/", views.CommentListView.as_view(), name="comment-list"),
    path(f"{version}comments/<int:comment_id>/resolve/", views.CommentResolveView.as_view(), name="comment-resolve"),
]
