"""Cross-cutting pieces every domain uses: settings, database, errors, logging, crypto, Redis."""
