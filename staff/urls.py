from django.urls import path

from staff import views

app_name = "staff"
urlpatterns = [
    path("omlaegning/", views.programme, name="programme"),
    path("min-plan/", views.my_plan, name="my_plan"),
    path("<uuid:staff_uuid>/plan/", views.plan, name="plan"),
    path("<uuid:staff_uuid>/plan/tiltag/<uuid:item_uuid>/", views.plan_item_edit, name="plan_item_edit"),
]
