"""Text helpers shared by the Rasa tokenizer and the data scripts (no Rasa imports)."""


def to_halfwidth(text: str) -> str:
    """Full-width ASCII and the ideographic space to half-width; one char to one char."""
    out = []
    for ch in text:
        code = ord(ch)
        if code == 0x3000:
            out.append(" ")
        elif 0xFF01 <= code <= 0xFF5E:
            out.append(chr(code - 0xFEE0))
        else:
            out.append(ch)
    return "".join(out)
