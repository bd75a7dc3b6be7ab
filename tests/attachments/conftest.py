"""The bundle tests' lead and district copies, for the attachments' bundle tests."""

from tests.bundle.conftest import exchange, exchange_template

__all__ = ["exchange", "exchange_template"]
