from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "parindex.demo"
    label = "demo"
