"""The demo data set: seeded programs, organisations, accounts and a fictional honor registry."""
