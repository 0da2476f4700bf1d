"""Running inside CI: review one pull/merge request and publish through its forge with a CI token."""
