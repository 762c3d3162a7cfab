"""The model confronted with data (imports the model; the model never imports this package).

``dossiers``: monitoring data: the dossier schema and its checks, BSN pseudonymisation, disclosure control,
synthetic dossiers recorded from the model, dossier statistics. ``effect``: measuring 1g1p1r's effect in dossiers.
Calibration of model parameters against targets (dossier statistics and published figures): ``config`` (the
calibration file: parameters with priors, targets with their uncertainty), ``simulate`` (one evaluation of the model
at given parameter values), ``abc`` (Bayesian calibration with pyabc's ABC-SMC), ``point`` (a fast point estimate)
``report`` (posterior tables, charts, the fit of each target and the calibrated scenario file), ``evidence`` (the
evidence register), ``screen`` (the Morris screen before a fit), ``ship`` (the shipped posterior), ``validate`` and
``validation_report`` (``mph validate``) and ``status`` (what a balance rests on).

The calibration files (``example.yaml``, ``published_targets.yaml``) lie beside the code.
"""
