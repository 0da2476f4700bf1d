"""Rules about the tests a change comes with (from the coverage reports CI writes)."""
