"""好人之城: statistics over published honors (read-only)."""
