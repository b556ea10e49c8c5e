"""The API's settings, read from the environment in a new process as the server reads them."""

import pytest

from tests.test_settings import run_settings

RATE = "import django; django.setup(); from django.conf import settings; print(settings.REST_FRAMEWORK{})"


@pytest.mark.parametrize("value", ["lots", "120", "120/fortnight", "0/min", "-1/min"])
def test_a_rate_that_is_not_one_stops_start_up_naming_it(value):
    result = run_settings(API_ANON_RATE=value)
    assert result.returncode != 0
    assert "API_ANON_RATE must be a number of requests per second, minute, hour or day" in result.stderr
    assert repr(value) in result.stderr


def test_the_rate_and_the_proxies_are_read_from_the_environment():
    result = run_settings(RATE.format("['DEFAULT_THROTTLE_RATES']['anon']"), API_ANON_RATE="5000/day")
    assert result.stdout.strip() == "5000/day", result.stderr
    result = run_settings(RATE.format("['NUM_PROXIES']"), API_NUM_PROXIES="1")
    assert result.stdout.strip() == "1", result.stderr
    assert run_settings(RATE.format("['DEFAULT_THROTTLE_RATES']['anon']")).stdout.strip() == "120/min"
