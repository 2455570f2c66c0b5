from tests.sources.linked import linked  # noqa: F401 - the fixture
from tests.sources.scene import built  # noqa: F401 - the fixture
