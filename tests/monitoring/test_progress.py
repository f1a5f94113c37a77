from datetime import date, datetime

import pandas as pd

from monitoring.progress import progress
from monitoring.samples import TZ, ParsedValue, SampleInput
from tests.conftest import actor

TODAY = date(2022, 4, 20)


def test_dashboard_figures_on_a_hand_made_fixture(store, register):
    reg = register[0]
    # Pond 1 (江南镇, 50 亩): fully retired. Pond 13 (聂市镇, 46 亩): contract ended only.
    store.ledger.record("1", "stop_inputs", date(2022, 3, 1), user=actor("u"), today=TODAY)
    store.ledger.record("1", "end_contract", date(2022, 4, 8), user=actor("u"), today=TODAY)
    store.ledger.record("1", "closed_out", date(2022, 4, 15), user=actor("u"), today=TODAY)
    store.ledger.record("13", "end_contract", date(2022, 4, 9), user=actor("u"), today=TODAY)
    store.samples.add(
        SampleInput("9", datetime(2022, 4, 19, 9, tzinfo=TZ), ParsedValue(0.3, False, None)), user=actor("u")
    )
    store.samples.add(
        SampleInput("S1", datetime(2022, 4, 19, 9, tzinfo=TZ), ParsedValue(0.04, False, None), kind="lake"),
        user=actor("u"),
    )
    fig = progress(store, reg, today=TODAY)
    assert fig["ponds"] == {"total": 17, "retired": 1, "in_progress": 1, "not_started": 15}
    assert fig["area_mu"] == {"total": 1552.0, "retired": 50.0}
    towns = {t["town"]: t for t in fig["by_town"]}
    assert (towns["江南镇"]["retired"], towns["江南镇"]["ponds"], towns["江南镇"]["retired_mu"]) == (1, 12, 50.0)
    assert (towns["聂市镇"]["retired"], towns["聂市镇"]["ponds"], towns["聂市镇"]["area_mu"]) == (0, 5, 192.0)
    assert towns["江南镇"]["area_mu"] == 1360.0
    steps = {s["step"]: s for s in fig["by_step"]}
    assert (steps["end_contract"]["done"], steps["end_contract"]["overdue"]) == (2, 15)
    assert (steps["stop_inputs"]["done"], steps["stop_inputs"]["overdue"]) == (1, 16)
    assert steps["closed_out"]["overdue"] == 0 and steps["release_organisms"]["overdue"] == 0  # ongoing items
    assert fig["overdue"][0]["days"] == 50 and fig["overdue"][0]["step"] == "stop_inputs"
    assert len(fig["overdue"]) == 31
    assert fig["cumulative"] == [{"date": "2022-04-15", "retired": 1}]
    assert fig["week"] == {"week": "2022-W16", "due": 18, "sampled": 2, "exceedances": 1, "indeterminate": 0}
    assert fig["open_cases"] == 1
    (lake,) = fig["lake"]
    assert (lake["site"], lake["grade"], lake["target"], lake["meets_target"]) == ("S1", "III", "III", True)
    assert isinstance(pd.DataFrame(fig["overdue"]), pd.DataFrame)
