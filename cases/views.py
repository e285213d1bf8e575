from django.shortcuts import render

from staff.decorators import role_required
from staff.roles import Role


@role_required(Role.CONSULTANT)
def my_cases(request):
    return render(request, "cases/my_cases.html")
