from django.apps import AppConfig
from django.core import checks


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = "Patient privacy"

    def ready(self) -> None:
        from .checks import tesseract_is_installed

        checks.register(tesseract_is_installed)
