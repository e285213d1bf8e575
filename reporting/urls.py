from django.urls import path

from reporting import views

app_name = "reporting"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("sager/", views.case_list, name="cases"),
    path("eksport.xlsx", views.export_xlsx, name="export_xlsx"),
    path("eksport.csv", views.export_csv, name="export_csv"),
]
