"""Patients, linked platform identities, phone verification, family links + consent, staff, tokens, audit."""
