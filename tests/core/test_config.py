"""TrainingConfig: gensim's defaults, one place of validation, errors that name the field."""

import math

import pytest

from w2v_gui.core.config import TrainingConfig


def test_defaults_follow_gensim():
    c = TrainingConfig()
    assert (
        c.vector_size,
        c.window,
        c.negative,
        c.ns_exponent,
        c.sample,
        c.min_count,
        c.alpha,
        c.min_alpha,
        c.epochs,
        c.seed,
    ) == (100, 5, 5, 0.75, 1e-3, 5, 0.025, 0.0001, 5, 1)


@pytest.mark.parametrize(
    "field", [f.name for f in TrainingConfig.field_info() if f.kind in (int, float)]
)
@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, -1, 0, 10**12, "5", True])
def test_every_numeric_field_rejects_nonsense_naming_the_field(field, value):
    info = next(f for f in TrainingConfig.field_info() if f.name == field)
    if (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(value)
        and info.lo <= value <= info.hi
    ):
        pytest.skip("value is legal for this field")
    with pytest.raises(ValueError, match=field):
        TrainingConfig(**{field: value})


def test_integral_floats_are_accepted_and_normalised():
    c = TrainingConfig(epochs=3.0, window=2)
    assert c.epochs == 3 and isinstance(c.epochs, int)


def test_cross_field_rule_and_bad_pattern():
    with pytest.raises(ValueError, match="min_alpha"):
        TrainingConfig(alpha=0.01, min_alpha=0.02)
    with pytest.raises(ValueError, match="token_pattern"):
        TrainingConfig(token_pattern="([a-z")


def test_round_trip_through_dict_ignores_unknown_keys():
    c = TrainingConfig(window=9, max_vocab_size=1000)
    assert TrainingConfig.from_dict({**c.to_dict(), "from_the_future": 1}) == c
    assert c.replace(window=3).window == 3


def test_field_info_carries_bounds_and_help_for_forms():
    infos = {f.name: f for f in TrainingConfig.field_info()}
    assert infos["window"].lo == 1 and infos["window"].default == 5
    assert all(f.help and f.label for f in infos.values())
