from staff.roles import Role, roles_of


def roles(request):
    """The signed-in user's roles, for navigation: {{ roles.consultant }} etc."""
    user_roles = roles_of(request.user)
    return {"roles": {role.value: role.value in user_roles for role in Role}}
