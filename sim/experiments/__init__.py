"""Many runs of the model: batches of replications and their resumable store (``batches``), designs over levers and
uncertainties (``design``), sweeps (``sweep``), global sensitivity (``sensitivity``), scenario comparisons
(``compare``) and the Dask cluster they run on (``cluster``)."""
