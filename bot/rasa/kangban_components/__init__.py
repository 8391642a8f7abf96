"""Custom Rasa components for 康伴 (loaded by Rasa via PYTHONPATH=bot/rasa)."""
