"""URLs of the partners app. /partners/... are public and a contract (DESIGN.md); the rest are role areas."""

from django.urls import path

from . import views

app_name = "partners"

urlpatterns = [
    path("partners/", views.directory, name="directory"),
    path("partners/become/", views.become, name="become"),
    path("partners/become/thanks/", views.become_thanks, name="become_thanks"),
    path("partners/<slug:slug>/", views.detail, name="detail"),
    path("manage/partners/", views.manage_list, name="manage_list"),
    path("manage/partners/new/", views.partner_create, name="create"),
    path("manage/partners/applications/", views.review_queue, name="review_queue"),
    path("manage/partners/applications/<int:pk>/", views.application_detail, name="application_detail"),
    path(
        "manage/partners/applications/<int:pk>/policy/", views.application_policy, name="application_policy"
    ),
    path("manage/partners/applications/<int:pk>/note/", views.application_note, name="application_note"),
    path("manage/partners/applications/<int:pk>/ask/", views.application_ask, name="application_ask"),
    path(
        "manage/partners/applications/<int:pk>/approve/",
        views.application_approve,
        name="application_approve",
    ),
    path(
        "manage/partners/applications/<int:pk>/decline/",
        views.application_decline,
        name="application_decline",
    ),
    path("manage/partners/<slug:slug>/edit/", views.partner_edit, name="edit"),
    path("partner/", views.my_partner, name="my_partner"),
    path("partner/edit/", views.my_partner_edit, name="my_partner_edit"),
]
