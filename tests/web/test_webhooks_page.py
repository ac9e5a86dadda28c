"""The Webhooks admin page through httpx: every action of the API's subscription routes
from a form, the API's messages on refusal, owners and admins only, CSRF checked."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from tests.conftest import FROZEN_NOW
from tests.factories import FirmWorld, make_staff
from tests.support import FrozenClock
from tests.web.conftest import Browser
from timeledger.app import create_app
from timeledger.config import Settings
from timeledger.models import AccountRole, DeliveryStatus, WebhookDelivery, WebhookSubscription

URL = "http://127.0.0.1:8139/hook"


@pytest.fixture
def app(settings: Settings, session_factory: sessionmaker[Session], clock: FrozenClock) -> FastAPI:
    allowed = settings.model_copy(update={"webhook_allow_hosts": "127.0.0.1"})
    return create_app(allowed, session_factory=session_factory, clock=clock)


def create(web: Browser, url: str = URL, events: list[str] | None = None, **extra: str):
    data = {"url": url, "events": events if events is not None else ["time-entry.*"], **extra}
    return web.client.post(
        "/app/webhooks", data=data, headers={"HX-Request": "true", "X-CSRFToken": web.csrf()}
    )


def only_subscription(session: Session) -> WebhookSubscription:
    return session.scalars(select(WebhookSubscription)).one()


class TestCreateAndList:
    def test_create_shows_the_secret_and_lists_it(self, signed_in: Browser, session: Session):
        page = create(signed_in, description="CRM", events=["time-entry.*", "case.created"])
        assert page.status_code == 200
        row = only_subscription(session)
        assert row.events == ["time-entry.*", "case.created"]
        assert row.description == "CRM"
        assert f'value="{row.secret}" readonly' in page.text
        assert f"Subscription to {URL} created." in page.text
        listing = signed_in.get("/app/webhooks").text
        assert f'<a href="/app/webhooks/{row.uuid}">{URL}</a>' in listing
        assert "time-entry.*, case.created" in listing
        assert "Enabled" in listing
        assert "Never" in listing
        assert row.secret not in listing  # the secret is shown on purpose only

    @pytest.mark.parametrize(
        ("url", "events", "message"),
        [
            ("https://10.1.2.3/hook", ["*"], "private"),
            ("http://example.com/hook", ["*"], "https"),
            ("not a url", ["*"], "url"),
            (URL, [], "at least one event"),
        ],
    )
    def test_refusals_show_the_api_message(
        self, signed_in: Browser, session: Session, url: str, events: list[str], message: str
    ):
        page = create(signed_in, url=url, events=events)
        assert page.status_code == 200  # htmx swaps only 2xx: the message is on the page
        alert = re.search(r'<p role="alert" class="error">(.*?)</p>', page.text, re.S)
        assert alert is not None
        assert message in alert.group(1).lower()
        assert session.scalars(select(WebhookSubscription)).first() is None
        assert f'value="{url}"' in page.text  # what was typed is kept

    def test_a_plain_form_post_gets_the_real_status(self, signed_in: Browser):
        answer = signed_in.client.post(
            "/app/webhooks",
            data={"url": "https://10.1.2.3/hook", "events": ["*"]},
            headers={"X-CSRFToken": signed_in.csrf()},
        )
        assert answer.status_code == 422
        assert 'role="alert"' in answer.text

    def test_member_refused(self, web: Browser, world: FirmWorld, session: Session):
        member = make_staff(session, world.firm, now=FROZEN_NOW, role=AccountRole.MEMBER)
        session.flush()
        web.sign_in(member)
        page = web.get("/app/webhooks")
        assert page.status_code == 403
        assert "Only the firm&#39;s owners and admins manage webhooks." in page.text
        assert create(web).status_code == 403
        assert session.scalars(select(WebhookSubscription)).first() is None
        assert 'href="/app/webhooks"' not in web.get("/app/timer").text

    def test_post_without_csrf_token_is_refused(self, signed_in: Browser, session: Session):
        answer = signed_in.client.post(
            "/app/webhooks", data={"url": URL, "events": ["*"]}, headers={"HX-Request": "true"}
        )
        assert answer.status_code == 403
        assert session.scalars(select(WebhookSubscription)).first() is None


class TestOneSubscription:
    @pytest.fixture
    def sub(self, signed_in: Browser, session: Session) -> WebhookSubscription:
        create(signed_in)
        return only_subscription(session)

    def test_edit_disable_and_enable(
        self, signed_in: Browser, sub: WebhookSubscription, session: Session
    ):
        path = f"/app/webhooks/{sub.uuid}"
        page = signed_in.post(path, {"url": URL + "2", "events": "*", "description": "New"})
        assert "Changes saved." in page.text
        session.refresh(sub)
        assert (sub.url, sub.events, sub.description) == (URL + "2", ["*"], "New")
        assert sub.enabled is False
        assert sub.disabled_reason == "Disabled by a user."
        assert "Disabled</strong>: Disabled by a user." in page.text
        assert "user.." not in page.text
        signed_in.post(path, {"url": URL, "events": "*", "enabled": "on"})
        session.refresh(sub)
        assert sub.enabled is True
        assert sub.disabled_reason is None

    def test_bad_edit_keeps_the_subscription(
        self, signed_in: Browser, sub: WebhookSubscription, session: Session
    ):
        page = signed_in.post(
            f"/app/webhooks/{sub.uuid}", {"url": "https://169.254.169.254/x", "events": "*"}
        )
        assert 'role="alert"' in page.text
        session.refresh(sub)
        assert sub.url == URL
        assert sub.events == ["time-entry.*"]

    def test_rotate_shows_the_new_secret_and_the_overlap(
        self, signed_in: Browser, sub: WebhookSubscription, session: Session
    ):
        old = sub.secret
        page = signed_in.post(f"/app/webhooks/{sub.uuid}/rotate-secret")
        session.refresh(sub)
        assert sub.secret != old
        assert sub.previous_secret == old
        assert f'value="{sub.secret}" readonly' in page.text
        assert "The old secret keeps signing beside it for 24 hours" in page.text

    def test_ping_then_log_then_retry(
        self, signed_in: Browser, sub: WebhookSubscription, session: Session
    ):
        page = signed_in.post(f"/app/webhooks/{sub.uuid}/ping")
        assert "Ping queued" in page.text
        assert "webhook.ping" in page.text
        assert "pending" in page.text
        delivery = session.scalars(select(WebhookDelivery)).one()
        delivery.status, delivery.attempts, delivery.last_status = DeliveryStatus.FAILED, 2, 503
        delivery.last_error, delivery.last_response_excerpt = "Server error", "<b>down</b>"
        delivery.last_attempt_at = FROZEN_NOW
        session.flush()
        log = signed_in.get(f"/app/webhooks/{sub.uuid}").text
        assert "HTTP 503" in log
        assert "Server error" in log
        assert "&lt;b&gt;down&lt;/b&gt;" in log  # the excerpt, escaped
        retried = signed_in.post(f"/app/webhooks/{sub.uuid}/deliveries/{delivery.uuid}/retry")
        assert "Delivery queued again" in retried.text
        session.refresh(delivery)
        assert delivery.status is DeliveryStatus.PENDING
        again = signed_in.post(f"/app/webhooks/{sub.uuid}/deliveries/{delivery.uuid}/retry")
        assert "The delivery is pending already." in again.text

    def test_delete(self, signed_in: Browser, sub: WebhookSubscription, session: Session):
        page = signed_in.post(f"/app/webhooks/{sub.uuid}/delete")
        assert "Subscription deleted" in page.text
        session.refresh(sub)
        assert sub.deleted_at is not None
        assert signed_in.get(f"/app/webhooks/{sub.uuid}").status_code == 404

    def test_unknown_and_other_firms_uuid_is_404(
        self, signed_in: Browser, other_world: FirmWorld, session: Session
    ):
        assert signed_in.get("/app/webhooks/not-a-uuid").status_code == 400
        foreign = WebhookSubscription(
            firm_id=other_world.firm.id,
            url=URL,
            events=["*"],
            secret="x" * 60,
            enabled=True,
            created_by_account_id=other_world.owner.account.id,
            created_at=FROZEN_NOW,
            updated_at=FROZEN_NOW,
        )
        session.add(foreign)
        session.flush()
        assert signed_in.get(f"/app/webhooks/{foreign.uuid}").status_code == 404
        refused = signed_in.post(f"/app/webhooks/{foreign.uuid}/ping", headers={"HX-Request": ""})
        assert refused.status_code == 404
        assert f"There is no webhook subscription with UUID {foreign.uuid}" in refused.text


class TestWording:
    def test_no_event_ticked_says_so(self, signed_in: Browser, session: Session):
        for events in ([], [""]):
            page = create(signed_in, events=events)
            assert "Tick at least one event." in page.text
            assert "Unknown event" not in page.text
        assert session.scalars(select(WebhookSubscription)).first() is None

    def test_after_create_the_address_is_the_subscriptions_page(
        self, signed_in: Browser, session: Session
    ):
        answer = create(signed_in)
        sub = only_subscription(session)
        assert answer.headers["HX-Push-Url"] == f"/app/webhooks/{sub.uuid}"

    def test_instants_are_in_the_firms_zone_with_their_offset(
        self, signed_in: Browser, session: Session
    ):
        create(signed_in)
        sub = only_subscription(session)
        page = signed_in.get(f"/app/webhooks/{sub.uuid}").text
        created = re.search(r"Created (.*?)\.</p>", page, re.S)
        assert created, page
        # FROZEN_NOW in Europe/London summer time: +01:00, no raw ISO text.
        assert re.fullmatch(
            r'<time datetime="[^"]+">\d{4}-\d\d-\d\d \d\d:\d\d \+01:00</time>', created[1]
        )
