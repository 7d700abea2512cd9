"""Committee voting (评委评审): secret ballots, conflicts, quorum, tally, ties and receipts."""
