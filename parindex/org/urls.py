from django.urls import path

from . import views

app_name = "org"
urlpatterns = [
    path("", views.unit_list, name="unit_list"),
    path("<slug:code>/", views.unit_detail, name="unit_detail"),
]
