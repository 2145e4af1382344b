"""The API's operations, one module per topic (the same names as the apps they call)."""
