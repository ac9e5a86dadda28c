"""For ASGI servers: ``uvicorn timeledger.asgi:app``. Settings come from the environment."""

from timeledger.app import create_app

app = create_app()
