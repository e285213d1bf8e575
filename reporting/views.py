from django.shortcuts import render

from staff.decorators import role_required
from staff.roles import Role


@role_required(Role.LEADER)
def dashboard(request):
    return render(request, "reporting/dashboard.html")
