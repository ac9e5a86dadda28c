"""Webhooks (issue 14): subscriptions, the outbox every domain's writes add to, and the
dispatcher that delivers it. Sits below every domain and imports none of them."""
