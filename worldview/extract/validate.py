"""Validate: every record is checked against the published JSON Schema before it leaves."""

from __future__ import annotations

from functools import cache

from jsonschema import Draft202012Validator

from schemas import load_schema
from worldview.errors import RecordValidationError


@cache
def _validator() -> Draft202012Validator:
    schema = load_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


@cache
def _fast_check():
    """The same committed schema compiled to Python code by fastjsonschema: ~10x faster than the
    jsonschema walk on a whole article, which would otherwise be half of the pipeline's time.
    The schema uses only keywords that draft 7 and 2020-12 read alike ($ref into $defs, type,
    properties, required, additionalProperties, items, anyOf, const, enum, pattern, bounds)."""
    import copy

    import fastjsonschema

    def no_fetch(uri: str) -> dict:
        raise RecordValidationError(f"the record schema refers outside itself: {uri}")

    # A copy: fastjsonschema rewrites every "$ref" in place to an absolute URI, which would
    # change the cached schema that ``load_schema`` hands to everyone else. No handler fetches.
    return fastjsonschema.compile(
        copy.deepcopy(load_schema()), handlers={"http": no_fetch, "https": no_fetch}
    )


def validate_record(record: dict) -> dict:
    """Return the record unchanged, or raise naming the first offending path."""
    from fastjsonschema import JsonSchemaException

    try:
        _fast_check()(record)
        return record
    except JsonSchemaException:
        pass  # jsonschema has the final word and the clearer message
    error = next(iter(_validator().iter_errors(record)), None)
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(root)"
        raise RecordValidationError(f"record does not match the schema at {where}: {error.message}")
    return record
