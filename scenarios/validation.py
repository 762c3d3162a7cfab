"""Reading and validating user files: every problem as one line naming the file, the field, the value and what is
allowed (scenario files, register files, cockpit inputs)."""

from __future__ import annotations

import copy
import functools
import types
import typing
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar, Union

import yaml
from pydantic import BaseModel, ValidationError
from pydantic.fields import FieldInfo

from scenarios.errors import UserError

ModelT = TypeVar("ModelT", bound=BaseModel)


# Limits of a YAML file a person writes (a scenario, a register, a calibration): the bundled ones are far below
# each. Beyond them a file is a mistake or an attack: an alias bomb (10 lines, gigabytes once expanded), nesting
# that exhausts the recursion of the reader, a data file given where a settings file is meant.
MAX_YAML_BYTES = 2_000_000
MAX_YAML_NODES = 200_000  # values once aliases (*name) are expanded; the bundled defaults have about 2,000
MAX_YAML_DEPTH = 32


class _LimitedLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing duplicate keys (silently last-wins otherwise: a second ``levers:`` section
    would replace the first), more than :data:`MAX_YAML_NODES` values once aliases are expanded (what the code
    reading the file walks through) and nesting deeper than :data:`MAX_YAML_DEPTH`."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: object) -> yaml.Node | None:
        self._depth += 1
        if self._depth > MAX_YAML_DEPTH:
            raise yaml.composer.ComposerError(None, None, f"nested deeper than {MAX_YAML_DEPTH} levels",
                                              self.peek_event().start_mark)
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def compose_document(self) -> yaml.Node | None:
        node = super().compose_document()
        sizes: dict[int, int] = {}

        def expanded(n: yaml.Node) -> int:
            # an alias shares its node: counted (memoised) at every place it is used, as a reader would expand it
            if id(n) not in sizes:
                sizes[id(n)] = MAX_YAML_NODES + 1  # until counted: an alias inside its own anchor is endless
                children = [c for pair in n.value for c in pair] if isinstance(n, yaml.MappingNode) else \
                    n.value if isinstance(n, yaml.SequenceNode) else []
                sizes[id(n)] = min(1 + sum(expanded(c) for c in children), MAX_YAML_NODES + 1)
            return sizes[id(n)]

        if node is not None and expanded(node) > MAX_YAML_NODES:
            raise yaml.composer.ComposerError(
                None, None, f"more than {MAX_YAML_NODES:,} values once its aliases (*name) are expanded: refused "
                "(an alias bomb, or an alias inside itself)", node.start_mark)
        return node

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, yaml.Mark] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, typing.Hashable):
                raise yaml.constructor.ConstructorError(None, None, "a key must be plain text or a number",
                                                        key_node.start_mark)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key!r} (first on line {seen[key].line + 1}): each key once, or the "
                    "last would silently replace the first", key_node.start_mark)
            seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep=deep)


def parse_yaml(text: str) -> Any:
    """YAML text read with the limits above (also for values given on the command line)."""
    return yaml.load(text, Loader=_LimitedLoader)


def _decode(data: bytes, path: Path) -> str:
    """UTF-8 text (a BOM allowed); other encodings named in the error."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UserError(f"{path}: saved as UTF-16; save it as UTF-8")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise UserError(f"{path}: not UTF-8 text (byte {data[err.start]:#04x} at offset {err.start}; saved as "
                        "Windows-1252/Latin-1, or not a text file?); save it as UTF-8") from None


def read_yaml_mapping(path: Path, what: str) -> dict[str, Any]:
    """A YAML file's top-level mapping, or a :class:`UserError` naming the file."""
    try:
        with Path(path).open("rb") as file:
            data = file.read(MAX_YAML_BYTES + 1)
    except FileNotFoundError:
        raise UserError(f"{what} not found: {path}") from None
    except OSError as err:
        raise UserError(f"{path}: cannot read: {err.strerror}") from None
    if len(data) > MAX_YAML_BYTES:
        raise UserError(f"{path}: larger than {MAX_YAML_BYTES // 1_000_000} MB; a {what} is a short settings file")
    try:
        raw = _parsed(_decode(data, path))
    except yaml.YAMLError as err:
        raise UserError(f"{path}: not valid YAML: {_one_line(err)}") from None
    if not isinstance(raw, dict):
        raise UserError(f"{path}: a {what} must be a mapping of fields, got {type(raw).__name__}")
    return copy.deepcopy(raw)  # callers change what they read (a scenario pops its 'extends')


@functools.lru_cache(maxsize=64)
def _parsed(text: str) -> Any:
    """:func:`parse_yaml`, remembered by the text itself (so an edited file is read again, whatever its date): the
    safe loader is pure Python, 25 ms for the defaults, and a calibration or sweep reads the same few files in every
    evaluation. Callers get a copy."""
    return parse_yaml(text)


def _one_line(err: yaml.YAMLError) -> str:
    """PyYAML's multi-line message (problem, then a quoted excerpt) as one line: the problem and where."""
    if isinstance(err, yaml.MarkedYAMLError) and err.problem_mark is not None:
        mark = err.problem_mark
        return f"line {mark.line + 1}, column {mark.column + 1}: {err.problem}"
    return " ".join(str(err).split())


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
            why = _field_at(model, problem["loc"]).description if problem["type"] in _BOUNDS else None
            lines[field] = f"{origin}: {field}{shown}: {message}" + (f" ({why})" if why else "")
    return "\n".join(lines.values())


# errors of a number beyond its bounds: the message adds why the bound is there (the field's description)
_BOUNDS = ("less_than", "less_than_equal", "greater_than", "greater_than_equal")


def _allowed_keys(model: type[BaseModel], loc: Sequence[int | str]) -> list[str]:
    """Field names of the (nested) model at ``loc``; dict keys in ``loc`` are skipped over."""
    node = _node_at(model, loc)
    if isinstance(node, type) and issubclass(node, BaseModel):
        return list(node.model_fields)
    return []


def _field_at(model: type[BaseModel], loc: Sequence[int | str]) -> FieldInfo:
    """The field at ``loc`` (an empty one where ``loc`` leads to no field)."""
    parent = _node_at(model, loc[:-1]) if loc else None
    if isinstance(parent, type) and issubclass(parent, BaseModel) and loc[-1] in parent.model_fields:
        return parent.model_fields[str(loc[-1])]
    return FieldInfo()


def _node_at(model: type[BaseModel], loc: Sequence[int | str]) -> Any:
    """The type at ``loc`` in a (nested) model; dict keys in ``loc`` are skipped over; None if there is none."""
    node: Any = model
    skip_key = False
    for part in loc:
        if skip_key:
            skip_key = False
            continue
        if not (isinstance(node, type) and issubclass(node, BaseModel)) or part not in node.model_fields:
            return None
        node = _unwrap_optional(node.model_fields[part].annotation)
        if typing.get_origin(node) is dict:
            node, skip_key = typing.get_args(node)[1], True
    return node


def _unwrap_optional(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation
