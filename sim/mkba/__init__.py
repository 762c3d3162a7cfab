"""MKBA (maatschappelijke kosten-batenanalyse): the published LPBL cockpit reproduced, NCW discounting and
who pays / who benefits. Unit prices come from the register (:mod:`scenarios.register`)."""
