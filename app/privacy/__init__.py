"""Personal data (SPEC §11): ID-number validation, field encryption, keyed hashes, masking."""
