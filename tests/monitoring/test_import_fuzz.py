"""Import fuzzing in the suite (a seeded share; bench/fuzz_import.py runs 2,000+ files and prints figures)."""

from i18n.errors import UserError
from monitoring.importer import import_file
from tests.conftest import actor
from tests.monitoring.fuzzfiles import files


def test_generated_files_give_user_errors_only_and_never_a_partial_write(store):
    outcomes = {"imported": 0, "refused": 0}
    for data, name in files(120, seed=7):
        before = store.samples.count()
        try:
            result = import_file(store, data, name, user=actor("u"))
        except UserError as exc:  # a refusal of the whole file: in the user's language, no traceback
            assert exc.message("zh") and exc.message("en")
            outcomes["refused"] += 1
            assert store.samples.count() == before
            continue
        after = store.samples.count()
        if result.errors or result.already_imported:
            assert after == before and result.written == 0
            for e in result.errors:
                assert e.message("zh") and e.message("en")
            outcomes["refused"] += 1
        else:
            assert after == before + result.written
            outcomes["imported"] += 1
    assert outcomes["refused"] > 50
