from django.urls import path

from cases import alert_views, views

app_name = "cases"
urlpatterns = [
    path("mine/", views.my_cases, name="my_cases"),
    path("opgaver/", alert_views.my_alerts, name="my_alerts"),
    path("opgaver/klokke/", alert_views.alert_bell, name="alert_bell"),
    path("opgaver/<int:alert_id>/laest/", alert_views.alert_acknowledge, name="alert_acknowledge"),
    path("opgaver/<int:alert_id>/loest/", alert_views.alert_resolve, name="alert_resolve"),
    path("opret/", views.register, name="register"),
    path("arbejdsgivere/", views.employer_search, name="employer_search"),
    path("<uuid:uuid>/", views.detail, name="detail"),
]
