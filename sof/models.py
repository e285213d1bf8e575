# No models: this module exists so that post_migrate is sent for the project app (see staff/apps.py).
