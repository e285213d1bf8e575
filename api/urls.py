from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView

from api import views

app_name = "api"
urlpatterns = [
    path("intake/", views.IntakeView.as_view(), name="intake"),
    path("figures/", views.FiguresView.as_view(), name="figures"),
    path("cases/", views.CasesView.as_view(), name="cases"),
    path("cases/<str:case_id>/deadlines/", views.CaseDeadlinesView.as_view(), name="case_deadlines"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularRedocView.as_view(url_name="api:schema"), name="docs"),
    # Anything else under /api/v1/ (a malformed case id included) is a 404 in problem details, not a page.
    re_path(r"^.*$", views.not_found),
]
