"""Local stand-in for WeChat, WeCom, Alipay and Aliyun SMS/voice (dev and tests only).

Start it with ``python -m sandbox --config instance/sandbox.json --port 8801``; create the
throw-away credentials with :func:`sandbox.devkeys.generate`.
"""
