from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from parindex import views
from parindex.org.forms import LoginForm

admin.site.site_header = "parindex"
admin.site.site_title = "parindex"

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("units/", include("parindex.org.urls")),
    path("frameworks/", include("parindex.frameworks.urls")),
    path("results/", include("parindex.results.urls")),
    path("assessments/", include("parindex.assessments.urls")),
    path("admin/", admin.site.urls),
]
