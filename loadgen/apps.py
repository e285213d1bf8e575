from django.apps import AppConfig


class LoadgenConfig(AppConfig):
    """Tooling, not the product: generated load data (`generate_load_data`) and the benchmark (`bench`)."""

    name = "loadgen"
    verbose_name = "Load data and benchmarks"
