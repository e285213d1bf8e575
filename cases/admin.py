from django.contrib import admin

from cases.models import Employer


@admin.register(Employer)
class EmployerAdmin(admin.ModelAdmin):
    list_display = ["name", "cvr", "postcode", "town", "industry_code"]
    search_fields = ["name", "cvr"]
    list_select_related = ["contact_consultant"]
