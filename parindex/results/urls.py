from django.urls import path

from . import appeal_views, criteria_views, explain_views, views

app_name = "results"
urlpatterns = [
    path("", views.index, name="index"),
    path("targets/", views.targets, name="targets"),
    path("targets/targets.xlsx", views.targets_xlsx, name="targets_xlsx"),
    path("targets/new/", views.target_edit, name="target_new"),
    path("targets/<int:pk>/", views.target_edit, name="target_edit"),
    path("targets/<int:pk>/delete/", views.target_delete, name="target_delete"),
    path("national/new/", views.national_edit, name="national_new"),
    path("national/<int:year>/", views.national_edit, name="national_edit"),
    path("national/national.xlsx", views.national_xlsx, name="national_xlsx"),
    path("unit/<slug:code>/", views.unit_latest, name="unit_latest"),
    path("<int:year>/", views.year, name="year"),
    path("<int:year>/results.xlsx", views.year_xlsx, name="year_xlsx"),
    path("<int:year>/fields/", views.fields, name="fields"),
    path("<int:year>/fields.xlsx", views.fields_xlsx, name="fields_xlsx"),
    path("<int:year>/manage/", views.manage, name="manage"),
    path("<int:year>/fairness/", views.fairness, name="fairness"),
    path("<int:year>/surveys/", views.surveys, name="surveys"),
    path("<int:year>/surveys/import/", views.surveys_import, name="surveys_import"),
    path("<int:year>/surveys/khao-sat.xlsx", views.surveys_template, name="surveys_template"),
    path("<int:year>/appeals/", appeal_views.appeal_list, name="appeals"),
    path("<int:year>/appeals/window/", appeal_views.appeal_window, name="appeal_window"),
    path("<int:year>/appeals/new/", appeal_views.appeal_new, name="appeal_new"),
    path("<int:year>/appeals/<int:pk>/", appeal_views.appeal_detail, name="appeal_detail"),
    path(
        "<int:year>/appeals/<int:pk>/criteria/<int:line>/",
        appeal_views.appeal_line,
        name="appeal_line",
    ),
    path("<int:year>/appeals/<int:pk>/decide/", appeal_views.appeal_decide, name="appeal_decide"),
    path(
        "<int:year>/appeals/<int:pk>/files/<int:file_pk>/",
        appeal_views.appeal_file,
        name="appeal_file",
    ),
    path("<int:year>/criteria/", criteria_views.criteria, name="criteria"),
    path("<int:year>/criteria.xlsx", criteria_views.criteria_xlsx, name="criteria_xlsx"),
    path("<int:year>/<slug:code>/", views.unit, name="unit"),
    path("<int:year>/<slug:code>/points/", explain_views.unit_points, name="unit_points"),
    path(
        "<int:year>/<slug:code>/points.xlsx",
        explain_views.unit_points_xlsx,
        name="unit_points_xlsx",
    ),
    path("<int:year>/<slug:code>.xlsx", views.unit_xlsx, name="unit_xlsx"),
]
