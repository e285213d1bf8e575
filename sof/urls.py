from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from sof import views
from staff.auth import LockoutAdminAuthenticationForm, LockoutAuthenticationForm

admin.site.site_header = _("Sammen om fastholdelse – opsætning")
admin.site.site_title = _("SOF administration")
admin.site.index_title = _("Opsætning")
admin.site.login_form = LockoutAdminAuthenticationForm

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True, authentication_form=LockoutAuthenticationForm
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("sager/", include("cases.urls")),
    path("booking/", include("meetings.urls")),
    path("rapporter/", include("reporting.urls")),
    path("medarbejdere/", include("staff.urls")),
    path("api/v1/", include("api.urls")),
]
