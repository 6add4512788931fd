from django.urls import include, path

app_name = "followup"
urlpatterns = [
    path("directives/", include("parindex.followup.directive_urls")),
    path("plans/", include("parindex.followup.plan_urls")),
    path("initiatives/", include("parindex.followup.initiative_urls")),
    path("", include("parindex.followup.remediation_urls")),
]
