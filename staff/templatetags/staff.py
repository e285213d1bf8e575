from django import template

from staff.labels import staff_label as _staff_label

register = template.Library()


@register.filter
def staff_label(user) -> str:
    return _staff_label(user) if user else ""
