from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from monitoring.auth import CONSOLE
from monitoring.samples import TZ, ParsedValue, SampleInput

WRITERS, EACH = 20, 500
T0 = datetime(2022, 5, 2, 0, 0, tzinfo=TZ)


def test_twenty_concurrent_writers(store):
    for w in range(WRITERS):
        store.create_user(f"w{w}", "writer-password", "inspector", user=CONSOLE)
    audit_before = store.count_audit()
    store.engine.dispose()

    def writer(w):
        for i in range(EACH):
            when = T0 + timedelta(minutes=w * EACH + i)
            store.add_sample(SampleInput(str(w % 17 + 1), when, ParsedValue(0.05, False, None)), user=f"w{w}")

    with ThreadPoolExecutor(WRITERS) as pool:
        list(pool.map(writer, range(WRITERS)))
    assert store.count_samples() == WRITERS * EACH
    per_user = store.samples(parameter="TP").created_by.value_counts()
    assert per_user.min() == per_user.max() == EACH
    # One audit row per sample, written in the sample's own transaction.
    assert store.count_audit() - audit_before == WRITERS * EACH
    log = store.audit_log(action="sample.add", limit=None)
    assert len(log) == WRITERS * EACH and log.entity_id.nunique() == WRITERS * EACH
    assert log.actor.value_counts().min() == EACH
