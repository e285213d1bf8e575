from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def case_actions_context(context):
    """The case-work panel's forms and records, so that the case page only includes the panel."""
    from cases.views_casework import case_actions_context as build

    return build(request=context["request"], case=context["case"])


@register.filter
def is_step_field(bound_field) -> bool:
    return bound_field.name.startswith("step_")


@register.filter
def absence_week(day, case) -> int:
    return case.absence_week(day)


@register.filter
def participant_labels(conversation) -> list[str]:
    from cases.models import Conversation

    labels = dict(Conversation.Participant.choices)
    return [str(labels.get(p, p)) for p in conversation.participants]
