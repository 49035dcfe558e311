from django.http import HttpRequest

from kalantar.core.nav import items_for


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    # Menus wait until a privileged user has given the second factor (see people.middleware).
    if (
        user is None
        or not user.is_authenticated
        or getattr(request, "second_factor_pending", False)
    ):
        return {"nav_items": []}
    return {
        "nav_items": items_for(user),
        "user_roles": user.role_labels(),
        "current_url_name": getattr(request.resolver_match, "view_name", ""),
    }
