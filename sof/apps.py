from django.apps import AppConfig


class SofConfig(AppConfig):
    name = "sof"
    verbose_name = "SOF"
