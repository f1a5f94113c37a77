from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from monitoring.auth import CONSOLE, Actor
from monitoring.samples import TZ, ParsedValue, SampleInput

WRITERS, EACH = 20, 500
T0 = datetime(2022, 5, 2, 0, 0, tzinfo=TZ)


def test_twenty_concurrent_writers(store):
    for w in range(WRITERS):
        store.accounts.create(f"w{w}", "writer-password", "inspector", user=CONSOLE)
    audit_before = store.audit.count()
    store.engine.dispose()

    def writer(w):
        for i in range(EACH):
            when = T0 + timedelta(minutes=w * EACH + i)
            store.samples.add(
                SampleInput(str(w % 17 + 1), when, ParsedValue(0.05, False, None)), user=Actor(f"w{w}", "inspector")
            )

    with ThreadPoolExecutor(WRITERS) as pool:
        list(pool.map(writer, range(WRITERS)))
    assert store.samples.count() == WRITERS * EACH
    per_user = store.samples.find(parameter="TP").created_by.value_counts()
    assert per_user.min() == per_user.max() == EACH
    # One audit row per sample, written in the sample's own transaction.
    assert store.audit.count() - audit_before == WRITERS * EACH
    log = store.audit.log(action="sample.add", limit=None)
    assert len(log) == WRITERS * EACH and log.entity_id.nunique() == WRITERS * EACH
    assert log.actor.value_counts().min() == EACH
