from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from monitoring.samples import TZ, ParsedValue, SampleInput

WRITERS, EACH = 20, 500
T0 = datetime(2022, 5, 2, 0, 0, tzinfo=TZ)


def test_twenty_concurrent_writers(store):
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
