"""For ASGI servers: ``uvicorn timeledger.asgi:app``. Settings come from the environment."""

from timeledger.app import create_app
from timeledger.config import Settings
from timeledger.logs import configure_logging

_settings = Settings()
configure_logging(_settings)
app = create_app(_settings)
