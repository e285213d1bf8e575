from django.shortcuts import render

from staff.decorators import role_required
from staff.roles import Role


@role_required(Role.BOOKER)
def queue(request):
    return render(request, "meetings/queue.html")
