"""The surveys' addresses: the administrator's and partners' pages under /surveys/, and
the short public ones a QR code or an invitation carries (/s/<code>/, /r/<token>/).

Fixed paths come first (surveys/collect/, surveys/questionnaires/), the campaigns'
surveys/<code>/ last: a campaign's code may not be one of those words (campaigns.py)."""

from .views import campaigns, public, questionnaires

app_name = "surveys"
urlpatterns = [*public.urlpatterns, *questionnaires.urlpatterns, *campaigns.urlpatterns]
