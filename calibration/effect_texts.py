"""The words of effect measurement, in Dutch (the default: municipalities read them) and English (``--lang en``):
the comparisons' names and the warnings that say when an estimate should not be trusted, and why."""

from __future__ import annotations

LANGUAGES = ("nl", "en")

LABELS: dict[str, dict[str, str]] = {
    "naive_before_after": {"nl": "naïef voor/na (alleen 1g1p1r-groep)",
                           "en": "naive before/after (1g1p1r group only)"},
    "did_unmatched": {"nl": "verschil-in-verschillen, ongematcht", "en": "difference-in-differences, unmatched"},
    "did_matched": {"nl": "verschil-in-verschillen, gematcht op problemen bij start",
                    "en": "difference-in-differences, matched on baseline problems"},
    "did_weighted": {"nl": "verschil-in-verschillen, gewogen op voorgeschiedenis (propensity)",
                     "en": "difference-in-differences, weighted on pre-period history (propensity)"},
    "did_crisis_controls": {"nl": "verschil-in-verschillen, controles bij een eigen crisis",
                            "en": "difference-in-differences, controls at a crisis of their own"},
    "event_study": {"nl": "event-study (kwartalen, met toets vooraf)",
                    "en": "event study (quarters, with leads)"},
}

WARNINGS: dict[str, dict[str, str]] = {
    "naive": {
        "nl": "Geen controlegroep: wat ook zonder aanpak was gebeurd (herstel, regressie naar het gemiddelde) telt "
              "hier als effect.",
        "en": "No control group: what would have happened anyway (recovery, regression to the mean) counts as "
              "effect here."},
    "untestable": {
        "nl": "De aanname van gelijke trends is niet te toetsen: te weinig huishoudens met twee jaar geschiedenis "
              "voor de start.",
        "en": "Parallel trends cannot be tested: too few households with two years of history before the start."},
    "pre_trend": {
        "nl": "Voor de start liepen de groepen al niet gelijk op (placebo {value:+.2f} [{low:+.2f}, {high:+.2f}] "
              "escalaties per jaar, tweede jaar voor de start tegen het eerste): niet gebruiken.",
        "en": "The groups already diverged before the start (placebo {value:+.2f} [{low:+.2f}, {high:+.2f}] "
              "escalations a year, second year before the start against the first): do not use."},
    "leads": {
        "nl": "De kwartalen voor de start wijken af van nul (toets vooraf p = {p:.3f}): de trends liepen voor de "
              "start niet gelijk.",
        "en": "The quarters before the start differ from zero (leads test p = {p:.3f}): trends were not parallel "
              "before the start."},
    "balance": {
        "nl": "De groepen blijven verschillen in de voorgeschiedenis (gestandaardiseerd verschil {smd:.2f} in "
              "{covariate}; grens 0,10).",
        "en": "The groups still differ in their history (standardised difference {smd:.2f} in {covariate}; "
              "limit 0.10)."},
    "overlap": {
        "nl": "{share:.0f}% van de 1g1p1r-groep heeft geen vergelijkbare controlehuishoudens en valt buiten de "
              "schatting; die geldt alleen voor de rest.",
        "en": "{share:.0f}% of the 1g1p1r group has no comparable control households and is left out; the "
              "estimate holds for the rest only."},
    "crisis": {
        "nl": "Selectie na een crisis: {share:.0f}% van de 1g1p1r-groep had 2 of meer escalaties in de 3 maanden "
              "voor de start (controlegroep {control:.0f}%). Het jaar voor de start bevat die crisis, dus een "
              "voor/na-vergelijking ziet een daling die ook zonder aanpak was gekomen.",
        "en": "Selection right after a crisis: {share:.0f}% of the 1g1p1r group had 2 or more escalations in the 3 "
              "months before the start (control group {control:.0f}%). The year before the start holds that "
              "crisis, so a before/after comparison sees a fall that would have come anyway."},
    "threshold": {
        "nl": "Selectie op een hoog aantal problemen: {share:.0f}% van de 1g1p1r-groep had bij de start {k} of "
              "meer problemen (controlegroep {control:.0f}%). Na een piek dalen problemen vanzelf (regressie naar "
              "het gemiddelde).",
        "en": "Selection on a high problem count: {share:.0f}% of the 1g1p1r group had {k} or more problems at the "
              "start (control group {control:.0f}%). After a peak, problems fall by themselves (regression to the "
              "mean)."},
    "threshold_design": {
        "nl": "De 1g1p1r-groep is gekozen op {k} of meer problemen, de controlegroep niet, en het dossier heeft geen "
              "probleemtellingen van voor de start: geen vergelijking kan die selectie nabootsen. Kies controles "
              "die op hun startmoment dezelfde drempel haalden.",
        "en": "The 1g1p1r group was chosen on {k} or more problems, the control group was not, and the dossier has no "
              "problem counts from before the start: no comparison can reproduce that selection. Choose controls "
              "that met the same threshold at their start."},
    "threshold_short": {
        "nl": "Niet te vertrouwen: de selectie op {k}+ problemen is in dit dossier niet na te bootsen (zie onder).",
        "en": "Not to be trusted: the selection on {k}+ problems cannot be reproduced from this dossier (see below)."},
    "severity": {
        "nl": "De groepen verschillen blijvend in zwaarte (escalaties 3-12 maanden voor de start, gestandaardiseerd "
              "verschil {smd:+.2f}). Matchen op het aantal problemen bij de start vergelijkt dan een zwaar "
              "huishouden in een goede periode met een licht huishouden in een slechte.",
        "en": "The groups differ lastingly in severity (escalations 3-12 months before the start, standardised "
              "difference {smd:+.2f}). Matching on baseline problems then compares a heavy household in a good "
              "spell with a light one in a bad spell."},
    "reason_trusted": {
        "nl": "Aanbevolen: {label}, de eerste vergelijking die alle controles doorstaat.",
        "en": "Recommended: {label}, the first comparison that passes every check."},
    "reason_none": {
        "nl": "Geen vergelijking doorstaat de controles: rapporteer geen effect. De minst slechte is {label}. "
              "Kijk met `mph effect --check-design` welke vergelijking bij deze selectie te vertrouwen is.",
        "en": "No comparison passes the checks: do not report an effect. The least bad is {label}. Use "
              "`mph effect --check-design` to see which comparison can be trusted under this selection."},
}


def label(estimator: str, lang: str) -> str:
    return LABELS[estimator][lang]


def warning(key: str, lang: str, **values: object) -> str:
    return WARNINGS[key][lang].format(**values)
