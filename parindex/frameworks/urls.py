from django.urls import path

from . import views

app_name = "frameworks"
urlpatterns = [
    path("", views.framework_list, name="list"),
    path("import/", views.framework_import_view, name="import"),
    path("<int:pk>/", views.framework_detail, name="detail"),
    path("<int:pk>/export.yaml", views.framework_export_yaml, name="export_yaml"),
    path("<int:pk>/export.xlsx", views.framework_export_xlsx, name="export_xlsx"),
    path("<int:pk>/copy/", views.framework_copy, name="copy"),
    path("<int:pk>/new-version/", views.framework_new_version_view, name="new_version"),
    path("<int:pk>/freeze/", views.framework_freeze_view, name="freeze"),
]
