"""The 申报表 fixtures of tests/stars, for the operations tests that print batches."""

from tests.stars.conftest import (  # noqa: F401 (fixtures, without stars' frozen October)
    advance,
    approved_nominations,
    campaign,
    make_nomination,
    post,
)
