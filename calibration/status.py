"""What a money output rests on: one line, printed, written or shown wherever a balance appears.

Three states. Without a shipped posterior the defaults are assumptions ("assumption, to be calibrated" in
``scenarios/defaults.yaml``) and every interval is the spread over replications only. With the posterior
(``scenarios/posterior/default.*``), each replication draws the calibrated parameters from it: the line names the
posterior, the evidence register version it was fitted against and the model it was fitted on, and says plainly
when the model has changed since (the fit then belongs to another model). With ``--point`` (or a scenario that
sets every calibrated parameter itself) the run uses point values: the line says the intervals leave the
parameter uncertainty out.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from calibration.model_identity import model_numbers
from scenarios.posterior import drawn_parameters, load_posterior
from scenarios.scenario import Scenario

_UNCALIBRATED = {
    "nl": ("Niet gekalibreerd: de standaardwaarden zijn aannames (nog te kalibreren); de intervallen tonen alleen "
           "de toevalsspreiding tussen replicaties, niet de onzekerheid van de aannames."),
    "en": ("Not calibrated: the defaults are assumptions (to be calibrated); the intervals show only the spread "
           "between replications, not the uncertainty of the assumptions."),
}
REDO = "./mph calibrate calibration/default.yaml --ship"


@dataclass(frozen=True)
class CalibrationStatus:
    """Whether a scenario's parameters are fitted, against which evidence, with which posterior."""

    calibrated: bool
    posterior: str | None = None
    evidence: str | None = None
    # the model's identity (calibration.model_identity: its numbers on the fit's town) when fitted, and now
    fitted_on: str | None = None
    model: str | None = None
    drawn: tuple[str, ...] = field(default_factory=tuple)  # parameters this scenario draws from the posterior
    particles: int = 0

    @property
    def drawing(self) -> bool:
        """Whether the run's replications draw fitted parameters (not under ``--point``): only then do its intervals
        carry parameter uncertainty, and may a text call the run calibrated."""
        return self.calibrated and bool(self.drawn)

    @property
    def current(self) -> bool:
        return self.fitted_on == self.model

    def line(self, lang: str = "nl") -> str:
        """The one line a reader sees beside a balance, in Dutch (``nl``) or English (``en``)."""
        en = lang == "en"
        if not self.calibrated:
            return _UNCALIBRATED["en" if en else "nl"]
        if not self.drawn:
            return (f"Point values (--point): posterior {self.posterior} (evidence register {self.evidence}) is not "
                    "drawn from; the intervals show only the spread between replications." if en else
                    f"Puntwaarden (--point): er wordt niet getrokken uit posterior {self.posterior} (bewijsregister "
                    f"{self.evidence}); de intervallen tonen alleen de toevalsspreiding tussen replicaties.")
        text = (f"Calibrated: {len(self.drawn)} parameters drawn per replication from posterior {self.posterior} "
                f"({self.particles} particles) fitted against evidence register {self.evidence} on model "
                f"{self.fitted_on}." if en else
                f"Gekalibreerd: {len(self.drawn)} parameters per replicatie getrokken uit posterior {self.posterior} "
                f"({self.particles} deeltjes), gefit tegen bewijsregister {self.evidence} op model {self.fitted_on}.")
        if not self.current:
            text += (f" WARNING: the model has changed since (now {self.model}): this posterior was fitted on another "
                     f"model version; refit with `{REDO}`." if en else
                     f" LET OP: het model is sindsdien veranderd (nu {self.model}): deze posterior is gefit op een "
                     f"andere modelversie; fit opnieuw met `{REDO}`.")
        return text


def calibration_status(scenario: Scenario) -> CalibrationStatus:
    """The calibration status of ``scenario``'s parameters under the shipped posterior (if any)."""
    posterior = load_posterior()
    if posterior is None:
        return CalibrationStatus(calibrated=False)
    evidence = posterior.about.get("evidence", {})
    return CalibrationStatus(
        calibrated=True, posterior=f"{posterior.name} ({posterior.about.get('fitted', '?')})",
        evidence=f"v{evidence.get('version', '?')} ({evidence.get('hash', '?')})",
        fitted_on=posterior.fitted_on, model=model_numbers(posterior),
        drawn=tuple(drawn_parameters(scenario, posterior)), particles=len(posterior.particles))
