"""API shapes of the auth domain (``/me``, ``/logins``) come with the resource issue."""
