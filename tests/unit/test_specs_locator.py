"""Spec tests find the published descriptions beside the repository; when they are absent a
user's clone skips with a reason, and CI fails."""

import pytest

from tests import specs


def test_a_missing_description_skips_with_a_reason(monkeypatch, tmp_path):
    monkeypatch.setattr(specs, "SPECS", tmp_path / "nowhere")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="x-api-v2.openapi.json is missing"):
        specs.spec_path("x-api-v2.openapi.json")


def test_in_ci_a_missing_description_fails(monkeypatch, tmp_path):
    monkeypatch.setattr(specs, "SPECS", tmp_path / "nowhere")
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="../shared/specs/"):
        specs.spec_path("x-api-v2.openapi.json")


def test_the_descriptions_are_looked_up_relative_to_the_repository():
    assert specs.REPOSITORY.parent / "shared" / "specs" == specs.SPECS
