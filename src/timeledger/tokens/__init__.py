"""Personal access tokens: issued against the password, shown once, listed and revoked."""
