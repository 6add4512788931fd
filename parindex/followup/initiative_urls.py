"""The initiatives register's pages."""

from django.urls import path

from . import initiative_views as views

urlpatterns = [
    path("", views.register, name="initiative_register"),
    path("xlsx/", views.register_xlsx, name="initiative_register_xlsx"),
    path("mine/", views.my_initiatives, name="my_initiatives"),
    path("units/<slug:code>/", views.unit_initiatives, name="unit_initiatives"),
    path("decisions/<int:year>/", views.decisions, name="initiative_decisions"),
    path("<int:pk>/", views.initiative_detail, name="initiative_detail"),
    path("<int:pk>/edit/", views.initiative_edit, name="initiative_edit"),
    path("<int:pk>/decide/", views.initiative_decide, name="initiative_decide"),
    path("<int:pk>/years/", views.followup_report, name="initiative_report"),
    path("<int:pk>/files/<int:file>/", views.initiative_file, name="initiative_file"),
    path("years/<int:pk>/confirm/", views.followup_confirm, name="initiative_confirm"),
    path("years/<int:pk>/files/<int:file>/", views.followup_file, name="initiative_year_file"),
]
