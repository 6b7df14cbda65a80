from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def home(request):
    roles = request.user.staff_roles.select_related("organization").order_by("organization__path")
    return render(request, "home.html", {"roles": roles})
