"""Outbound delivery: channel adapters (WeChat subscribe, WeCom, SMS, voice), the delivery log, RQ jobs."""
