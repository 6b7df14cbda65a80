pytest_plugins = ["tests.utils.fixtures"]
