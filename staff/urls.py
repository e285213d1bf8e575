from django.urls import path

from staff import views, views_two_factor

app_name = "staff"
urlpatterns = [
    path("omlaegning/", views.programme, name="programme"),
    path("min-plan/", views.my_plan, name="my_plan"),
    path("<uuid:staff_uuid>/plan/", views.plan, name="plan"),
    path("<uuid:staff_uuid>/plan/tiltag/<uuid:item_uuid>/", views.plan_item_edit, name="plan_item_edit"),
    path("to-trin/", views_two_factor.two_factor_setup, name="two_factor_setup"),
    path("to-trin/kode/", views_two_factor.two_factor_verify, name="two_factor_verify"),
]
