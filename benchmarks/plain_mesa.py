"""The yardstick for the model's speed: a plain Mesa model of the same size, written the way Mesa's examples are.

One agent per household; every week each household, in random order (``shuffle_do``), drifts in severity with
noise, draws each of the seven escalation threats against a hazard that grows with its severity, and may be
helped by one of the organisations (a referral that lowers its severity). A DataCollector counts the year. It
does less than the real model (no cases, waiting lists, regisseurs or common random numbers), so the ratio of
speeds understates what compiling the model buys.
"""

from __future__ import annotations

import mesa

WEEKS_PER_YEAR = 52
THREATS = 7


class PlainHousehold(mesa.Agent):
    def __init__(self, model: PlainModel) -> None:
        super().__init__(model)
        self.severity = self.random.uniform(0.2, 0.8)
        self.escalations = 0

    def step(self) -> None:
        self.severity = min(1.0, max(0.0, self.severity + 0.002 + self.random.gauss(0.0, 0.01)))
        for _ in range(THREATS):
            if self.random.random() < 0.002 * self.severity * self.severity:
                self.escalations += 1
                self.model.escalations_this_year += 1
        if self.random.random() < 0.01 * self.severity:  # referred and helped by one of the organisations
            self.model.referrals[self.random.randrange(len(self.model.referrals))] += 1
            self.severity *= 0.9


class PlainModel(mesa.Model):
    def __init__(self, households: int, seed: int = 1) -> None:
        super().__init__(rng=seed)
        self.week = 0
        self.escalations_this_year = 0
        self.referrals = [0] * 11
        PlainHousehold.create_agents(self, households)
        self.datacollector = mesa.DataCollector(model_reporters={"escalations": "escalations_this_year"})

    def step(self) -> None:
        self.week += 1
        self.agents.shuffle_do("step")
        if self.week % WEEKS_PER_YEAR == 0:
            self.datacollector.collect(self)
            self.escalations_this_year = 0
