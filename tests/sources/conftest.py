from tests.sources.scene import built  # noqa: F401 - the fixture
