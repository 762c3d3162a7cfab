"""What a money output rests on: one line, printed, written or shown wherever a balance appears.

Until a posterior fitted against the evidence register ships with the scenarios, the defaults are assumptions
("assumption, to be calibrated" in ``scenarios/defaults.yaml``) and every interval is the spread over
replications only. The line says so, rather than letting a balance look more certain than it is.
"""

from __future__ import annotations

from dataclasses import dataclass

from scenarios.scenario import Scenario

_UNCALIBRATED = {
    "nl": ("Niet gekalibreerd: de standaardwaarden zijn aannames (nog te kalibreren); de intervallen tonen alleen "
           "de toevalsspreiding tussen replicaties, niet de onzekerheid van de aannames."),
    "en": ("Not calibrated: the defaults are assumptions (to be calibrated); the intervals show only the spread "
           "between replications, not the uncertainty of the assumptions."),
}


@dataclass(frozen=True)
class CalibrationStatus:
    """Whether a scenario's parameters are fitted, against which evidence, with which posterior."""

    calibrated: bool
    posterior: str | None = None
    evidence: str | None = None

    def line(self, lang: str = "nl") -> str:
        """The one line a reader sees beside a balance, in Dutch (``nl``) or English (``en``)."""
        if not self.calibrated:
            return _UNCALIBRATED["en" if lang == "en" else "nl"]
        if lang == "en":
            return f"Calibrated: posterior {self.posterior} against evidence register {self.evidence}."
        return f"Gekalibreerd: posterior {self.posterior} tegen bewijsregister {self.evidence}."


def calibration_status(scenario: Scenario) -> CalibrationStatus:
    """The calibration status of ``scenario``'s parameters (no posterior ships yet: uncalibrated)."""
    del scenario  # every scenario rests on the uncalibrated defaults until a posterior ships
    return CalibrationStatus(calibrated=False)
