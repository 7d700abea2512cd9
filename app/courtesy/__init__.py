"""礼遇帮扶: courtesy cards, visits, aid grants and hardship assessments (staff only)."""
