from django import template

from staff.privacy import cpr_mask_text

register = template.Library()


@register.filter
def mask_cpr(value) -> str:
    """Mask anything that looks like a CPR number (e.g. a URL echoed into a form)."""
    return cpr_mask_text(str(value))
