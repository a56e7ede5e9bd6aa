"""Misinformation desk: claim registry, matching, triage queue and published fact-checks."""
