"""The tokens pages: a person's own under /account/tokens/, the administrator's under
/manage/tokens/ (the API itself is /api/v1/, django-ninja's)."""

from django.urls import path

from . import token_views as views

app_name = "tokens"
urlpatterns = [
    path("account/tokens/", views.mine, name="mine"),
    path("account/tokens/<int:pk>/revoke/", views.revoke, name="revoke"),
    path("account/tokens/revoke-all/", views.revoke_all, name="revoke_all"),
    path("manage/tokens/", views.manage, name="manage"),
    path("manage/tokens/<int:pk>/revoke/", views.manage_revoke, name="manage_revoke"),
    path(
        "manage/tokens/users/<int:pk>/revoke/",
        views.manage_revoke_user,
        name="manage_revoke_user",
    ),
    path("manage/tokens/integrations/", views.integrations, name="integrations"),
    path("manage/tokens/integrations/<int:pk>/", views.integration, name="integration"),
    path(
        "manage/tokens/integrations/<int:pk>/deactivate/",
        views.integration_deactivate,
        name="integration_deactivate",
    ),
]
