"""Users, logins and personal access tokens: who is calling, and as which account."""
