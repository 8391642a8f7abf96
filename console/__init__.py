"""Staff console: health managers' caseload, tasks, alerts and timelines (API + pages)."""
