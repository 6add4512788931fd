from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "parindex.jobs"
    verbose_name = _("Background work")

    def ready(self) -> None:
        from . import tracking

        tracking.connect()
