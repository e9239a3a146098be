"""The client's address for django-axes when the site runs behind nginx.

nginx appends the address it saw to X-Forwarded-For, so the right-most entry is the
one we can trust; entries to its left come from the client and can be forged.
Without this, every login would come from nginx's own address and five wrong
passwords would lock a user name out for everyone.
"""


def client_ip(request):
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    entries = [entry.strip() for entry in forwarded.split(",") if entry.strip()]
    return entries[-1] if entries else request.META.get("REMOTE_ADDR", "")
