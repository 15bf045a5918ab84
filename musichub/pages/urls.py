"""The public site's URLs (a contract: see DESIGN.md) and staff content editing under /manage/content/."""

from django.urls import path

from . import views

app_name = "pages"

urlpatterns = [
    path("", views.home, name="home"),
    path("about/", views.about, name="about"),
    path("inclusion/", views.inclusion, name="inclusion"),
    path("news/", views.news, name="news"),
    path("news/<slug:slug>/", views.news_detail, name="news_detail"),
    path("manage/content/", views.manage, name="manage"),
    path("manage/content/text/<slug:key>/", views.edit_block, name="edit_block"),
    path("manage/content/news/new/", views.news_create, name="news_create"),
    path("manage/content/news/<int:pk>/edit/", views.news_edit, name="news_edit"),
    path("manage/content/news/<int:pk>/unpublish/", views.news_unpublish, name="news_unpublish"),
]
