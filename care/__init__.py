"""Follow-up, medication, rehabilitation and education plans; vitals and their alerts."""
