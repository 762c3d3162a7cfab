"""The one register of unit costs, valuations, effect sizes and economic parameters.

Every number the MKBA prices with lives in YAML files under ``scenarios/register/`` with its unit, price
year, source, derivation (the arithmetic, for figures derived from the published cockpit), confidence grade
(A measured .. D assumption), and, for money, who bears it (``payer``) and whether it is cashable (kasbaar).
A user passes their own file(s) to :func:`load_register`; their entries override the bundled ones key by
key, so a municipality can bring its own figures without touching code.

Economic parameters are register data too: discount-rate regimes (``discount.<year>``) and yearly CPI
inflation (``inflation.cpi.<year>``) for price-year indexing.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

import scenarios
from scenarios.errors import UserError
from scenarios.validation import read_validated, read_yaml_mapping, validation_message

STAKEHOLDER_LABELS = {
    "municipality": "Gemeente",
    "housing_corporation": "Woningcorporatie",
    "care_insurer": "Zorgverzekeraar",
    "police_justice": "Politie en justitie",
    "benefits_agencies": "Uitkeringsinstanties",
    "schools": "Scholen",
    "employers": "Werkgevers",
    "household": "Huishoudens",
    "neighbours": "Buurtbewoners",
}
STAKEHOLDERS: tuple[str, ...] = tuple(STAKEHOLDER_LABELS)
Stakeholder = Literal[STAKEHOLDERS]  # validates payer names against the list above
# Money entries (these prefixes) must say who pays and whether it is cash; other entries (effects,
# discount rates, inflation) are plain numbers.
MONEY_PREFIXES = ("cost.", "benefit.", "value.")
BUNDLED_DIR = scenarios.bundled("register")
MAX_VALUE = 1e10


class Entry(BaseModel):
    """One register figure. ``payer`` is a stakeholder or a split ``{stakeholder: percent}`` summing to 100."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # a price far beyond any real one (1e308) would print an MKBA of inf/nan as if it were a result
    value: float = Field(ge=0.0, le=MAX_VALUE, allow_inf_nan=False, description="a plausible maximum: ten billion "
                         "(euro) is more than the yearly budget of the largest Dutch municipality")
    unit: str
    price_year: int | None = Field(default=None, ge=1990, le=2100)
    source: str = Field(min_length=1)
    derivation: str | None = None
    confidence: Literal["A", "B", "C", "D"]
    payer: Stakeholder | dict[Stakeholder, float] | None = None
    cashable: bool | None = None

    @field_validator("payer")
    @classmethod
    def _split_adds_up(cls, payer: Any) -> Any:
        if isinstance(payer, dict):
            for who, pct in payer.items():
                if not 0.0 <= pct <= 100.0:
                    raise ValueError(f"share of {who} is {pct}%; each share must be 0-100%")
            if not math.isclose(sum(payer.values()), 100.0, abs_tol=1e-6):
                raise ValueError(f"shares add up to {sum(payer.values())}%; they must add up to 100%")
        return payer

    def shares(self) -> dict[str, float]:
        """Who bears this figure, as fractions summing to 1 (empty for non-money entries)."""
        if self.payer is None:
            return {}
        if isinstance(self.payer, str):
            return {self.payer: 1.0}
        return {who: pct / 100.0 for who, pct in self.payer.items() if pct}


class _RegisterFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    entries: dict[str, Entry]

    @model_validator(mode="after")
    def _money_is_attributed(self) -> _RegisterFile:
        for key, entry in self.entries.items():
            if key.startswith(MONEY_PREFIXES):
                missing = [f for f in ("payer", "cashable", "price_year") if getattr(entry, f) is None]
                if missing:
                    raise ValueError(f"entries.{key}: a money entry needs {', '.join(missing)}")
        return self


class Register:
    """Read-only mapping of register keys to :class:`Entry`, with price-year indexing."""

    def __init__(self, entries: Mapping[str, Entry], origins: Mapping[str, str]) -> None:
        self._entries = dict(entries)
        self.origins = dict(origins)  # key -> file it came from

    def __getitem__(self, key: str) -> Entry:
        try:
            return self._entries[key]
        except KeyError:
            raise UserError(f"register: no entry {key!r} (see scenarios/register/*.yaml)") from None

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def keys(self) -> list[str]:
        return list(self._entries)

    def value(self, key: str, price_year: int | None = None) -> float:
        """The entry's value; money converted to ``price_year`` prices (CPI) when given."""
        entry = self[key]
        if price_year is None or entry.price_year is None:
            return entry.value
        return entry.value * self.index_factor(entry.price_year, price_year)

    def with_values(self, values: Mapping[str, float], origin: str, price_year: int | None = None) -> Register:
        """A copy in which some entries take another value (e.g. the VOLY of a cockpit inputs file), in
        ``price_year`` prices (None: the entry's own price year)."""
        entries = dict(self._entries)
        origins = dict(self.origins)
        for key, value in values.items():
            update = {"value": value, "source": origin, "derivation": None,
                      "price_year": price_year or self[key].price_year}
            entries[key] = self[key].model_copy(update=update)
            origins[key] = origin
        return Register(entries, origins)

    def index_factor(self, from_year: int, to_year: int) -> float:
        """CPI factor that turns ``from_year`` prices into ``to_year`` prices (yearly inflation entries)."""
        lo, hi = sorted((from_year, to_year))
        factor = 1.0
        for year in range(lo + 1, hi + 1):
            key = f"inflation.cpi.{year}"
            if key not in self._entries:
                years = sorted(int(k.rsplit(".", 1)[1]) for k in self._entries if k.startswith("inflation.cpi."))
                allowed = f"{years[0] - 1}-{years[-1]}" if years else "none"
                raise UserError(f"price year {to_year}: no CPI inflation for {year} in the register "
                                f"(price years allowed: {allowed})")
            factor *= 1.0 + self._entries[key].value / 100.0
        return factor if to_year >= from_year else 1.0 / factor

    def discount_regimes(self) -> dict[str, float]:
        """Discount-rate regimes by name (``discount.2020`` -> ``"2020"``), in percent per year."""
        return {key.removeprefix("discount."): e.value for key, e in self._entries.items()
                if key.startswith("discount.")}

    def default_regime(self) -> str:
        """The newest regime: the current Dutch standard for MKBA's."""
        return max(self.discount_regimes())


def _read_file(path: Path) -> dict[str, Entry]:
    return read_validated(path, "register file", _RegisterFile).entries


def _read_override(path: Path, bundled: Mapping[str, Entry]) -> dict[str, Entry]:
    """A user's file: each entry overrides a bundled one; fields it leaves out are inherited."""
    raw = read_yaml_mapping(path, "register file")
    entries = raw.get("entries")
    if set(raw) != {"entries"} or not isinstance(entries, dict):
        raise UserError(f"{path}: a register file has one top-level key 'entries' (a mapping), got {sorted(raw)}")
    merged: dict[str, Any] = {}
    for key, fields in entries.items():
        if key not in bundled:
            raise UserError(f"{path}: unknown register key {key!r} (the bundled register has no such entry; "
                            f"allowed keys are those in scenarios/register/*.yaml)")
        if not isinstance(fields, dict) or "value" not in fields or "source" not in fields:
            raise UserError(f"{path}: entries.{key}: an override needs at least 'value' and 'source'")
        base = bundled[key].model_dump(exclude_none=True)
        if "derivation" not in fields:
            base.pop("derivation", None)  # the bundled arithmetic no longer explains a new value
        merged[key] = {**base, **fields}
    try:
        return _RegisterFile.model_validate({"entries": merged}).entries
    except ValidationError as err:
        raise UserError(validation_message(err, path, _RegisterFile)) from None


def load_register(paths: Sequence[Path] | None = None) -> Register:
    """The bundled register, with the entries of ``paths`` (in order) overriding bundled ones."""
    entries: dict[str, Entry] = {}
    origins: dict[str, str] = {}
    for path in sorted(BUNDLED_DIR.glob("*.yaml")):
        for key, entry in _read_file(path).items():
            if key in entries:
                raise UserError(f"{path}: entry {key!r} is also in {origins[key]}")
            entries[key], origins[key] = entry, str(path.name)
    for path in paths or ():
        for key, entry in _read_override(Path(path), entries).items():
            entries[key], origins[key] = entry, str(path)
    return Register(entries, origins)
