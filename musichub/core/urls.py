from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("accounts/login/", views.login, name="login"),
    path("accounts/logout/", views.logout, name="logout"),
    path("accounts/password-reset/", views.password_reset, name="password_reset"),
    path("accounts/password-reset/sent/", views.password_reset_done, name="password_reset_done"),
    path("accounts/reset/<uidb64>/<token>/", views.password_reset_confirm, name="password_reset_confirm"),
    path("accounts/reset/done/", views.password_reset_complete, name="password_reset_complete"),
    path("account/", views.account, name="account"),
    path("manage/outbox/", views.outbox_list, name="outbox"),
    path("manage/outbox/<int:pk>/retry/", views.outbox_retry, name="outbox_retry"),
    path("manage/audit/", views.audit_log, name="audit_log"),
    path("theme.css", views.theme_css, name="theme_css"),
]
