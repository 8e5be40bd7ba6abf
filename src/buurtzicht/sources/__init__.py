"""Source connectors: every source yields the same long observations shape."""
