"""Values read from the environment, each checked: a value that is not what its variable takes stops start-up with
a message naming the variable, instead of a traceback or a silent default. (Used by the settings and by gunicorn's
configuration, so no Django settings are needed to import it.)"""

import os

from django.core.exceptions import ImproperlyConfigured


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def _env_number(name: str, default: float, minimum: float, read: type[int] | type[float]) -> float:
    """A number from the environment; a value that is not one (or is below `minimum`) stops start-up, naming it."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = read(value)
    except ValueError:
        kind = "a whole number" if read is int else "a number"
        raise ImproperlyConfigured(f"{name} must be {kind}, not {value!r}") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum:g}, not {value!r}")
    return number


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    return int(_env_number(name, default, minimum, int))


def env_float(name: str, default: float, *, minimum: float = 0) -> float:
    return _env_number(name, default, minimum, float)


def env_list(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]
