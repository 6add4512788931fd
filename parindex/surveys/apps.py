from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "parindex.surveys"
    label = "surveys"
    verbose_name = _("Surveys")

    def ready(self) -> None:
        # A framework's survey leaves are checked against the year's questionnaires when
        # it is imported; the frameworks may not import the surveys, so they are told.
        from parindex.frameworks import checks

        from .selectors import framework_indicator_issues

        checks.register(framework_indicator_issues)
