"""Calibration of model parameters against targets: dossier statistics and published figures.

``config``: the calibration file (parameters with priors, targets with their uncertainty); ``simulate``: one
evaluation of the model at given parameter values; ``abc``: Bayesian calibration with pyabc's ABC-SMC;
``point``: a fast point estimate; ``report``: posterior tables, charts, the fit of each target and the calibrated
scenario file.
"""
