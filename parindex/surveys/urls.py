"""The surveys' addresses: the administrator's and partners' pages under /surveys/, and
the short public ones a QR code or an invitation carries (/s/<code>/, /r/<token>/)."""

from .views import campaigns, public, questionnaires

app_name = "surveys"
urlpatterns = [*questionnaires.urlpatterns, *campaigns.urlpatterns, *public.urlpatterns]
