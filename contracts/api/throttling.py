from rest_framework.settings import api_settings
from rest_framework.throttling import AnonRateThrottle


class AnonymousReaderThrottle(AnonRateThrottle):
    """So many requests per address (settings.API_ANON_RATE; none throttled when the rate is None)."""

    def get_rate(self) -> str | None:
        # Read on each request: DRF's own reads the rates once, when its class is defined, so a change of settings
        # (in a test, with override_settings) would never reach it.
        rate: str | None = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        return rate
