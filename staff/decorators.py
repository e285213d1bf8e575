from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from staff.roles import has_role


def role_required(*roles: str):
    """Allow signed-in users holding any of the roles; others get 403 (anonymous users go to login)."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def cache_allowed(view):
    """Let a response be cached: sof.middleware.NoStoreMiddleware then leaves its Cache-Control alone. Only
    for a view whose response holds no personal data (none does today; static files never reach Django)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.cache_allowed = True
        return response

    return wrapped
