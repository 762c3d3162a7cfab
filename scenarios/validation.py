"""Reading and validating user files: every problem as one line naming the file, the field, the value and what is
allowed (scenario files, register files, cockpit inputs)."""

from __future__ import annotations

import types
import typing
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar, Union

import yaml
from pydantic import BaseModel, ValidationError

from scenarios.errors import UserError

ModelT = TypeVar("ModelT", bound=BaseModel)


def read_yaml_mapping(path: Path, what: str) -> dict[str, Any]:
    """A YAML file's top-level mapping, or a :class:`UserError` naming the file."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UserError(f"{what} not found: {path}") from None
    except OSError as err:
        raise UserError(f"{path}: cannot read: {err.strerror}") from None
    except yaml.YAMLError as err:
        raise UserError(f"{path}: not valid YAML: {err}") from None
    if not isinstance(raw, dict):
        raise UserError(f"{path}: a {what} must be a mapping of fields, got {type(raw).__name__}")
    return raw


def read_validated[ModelT: BaseModel](path: Path, what: str, model: type[ModelT]) -> ModelT:
    """A YAML file read and validated as ``model``, or a :class:`UserError` with one line per problem."""
    raw = read_yaml_mapping(path, what)
    try:
        return model.model_validate(raw)
    except ValidationError as err:
        raise UserError(validation_message(err, path, model)) from None


def validation_message(err: ValidationError, origin: str | Path, model: type[BaseModel]) -> str:
    """One line per problem: file, dotted field, the value given and what is allowed."""
    lines: dict[str, str] = {}  # field -> its first problem: a value failing every member of a union reports once
    for problem in err.errors():
        # pydantic adds the union member tried ("literal[...]", "dict[...]") to the location: not a field
        field = ".".join(str(p) for p in problem["loc"] if not (isinstance(p, str) and "[" in p)) or "(top level)"
        if field in lines:
            continue
        if problem["type"] == "extra_forbidden":
            allowed = ", ".join(_allowed_keys(model, problem["loc"][:-1]))
            lines[field] = f"{origin}: unknown key {field!r} (allowed here: {allowed})"
        elif problem["type"] == "missing":
            lines[field] = f"{origin}: {field}: missing"
        else:
            message = problem["msg"].removeprefix("Value error, ")
            given = problem.get("input")
            # a check across fields (a whole section as input) names its fields and values in its message
            shown = "" if isinstance(given, dict | list) else f" = {given!r}"
            lines[field] = f"{origin}: {field}{shown}: {message}"
    return "\n".join(lines.values())


def _allowed_keys(model: type[BaseModel], loc: Sequence[int | str]) -> list[str]:
    """Field names of the (nested) model at ``loc``; dict keys in ``loc`` are skipped over."""
    node: Any = model
    skip_key = False
    for part in loc:
        if skip_key:
            skip_key = False
            continue
        if not (isinstance(node, type) and issubclass(node, BaseModel)) or part not in node.model_fields:
            return []
        node = _unwrap_optional(node.model_fields[part].annotation)
        if typing.get_origin(node) is dict:
            node, skip_key = typing.get_args(node)[1], True
    if isinstance(node, type) and issubclass(node, BaseModel):
        return list(node.model_fields)
    return []


def _unwrap_optional(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation
