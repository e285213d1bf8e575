"""How a member of staff is named where they are chosen or compared."""


def staff_label(user) -> str:
    """ "Michael Pedersen (mipe)": the login (in a job centre usually the initials) tells two people with the
    same name apart wherever one of them is chosen — allocation, handover, booking (issue 15)."""
    name = user.get_full_name()
    return f"{name} ({user.get_username()})" if name else user.get_username()
