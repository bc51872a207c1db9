"""Checksum validators for the payment details used in the corpus.

Used by build.py to make sure every crypto address, IBAN, card number and routing number
that the corpus offers as a payment detail is valid by its checksum (so that an engine that
validates checksums is measured fairly), and to generate a few extra valid values.
Pure Python, no dependencies.
"""

import hashlib

B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58decode(s: str) -> bytes:
    n = 0
    for ch in s:
        n = n * 58 + B58.index(ch)
    full = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    pad = len(s) - len(s.lstrip("1"))
    return b"\x00" * pad + full


def b58encode(b: bytes) -> str:
    n = int.from_bytes(b, "big")
    out = ""
    while n:
        n, r = divmod(n, 58)
        out = B58[r] + out
    pad = len(b) - len(b.lstrip(b"\x00"))
    return "1" * pad + out


def b58check_ok(s: str) -> bool:
    try:
        raw = b58decode(s)
    except ValueError:
        return False
    if len(raw) < 5:
        return False
    body, chk = raw[:-4], raw[-4:]
    return hashlib.sha256(hashlib.sha256(body).digest()).digest()[:4] == chk


def b58check_encode(version: int, payload: bytes) -> str:
    body = bytes([version]) + payload
    chk = hashlib.sha256(hashlib.sha256(body).digest()).digest()[:4]
    return b58encode(body + chk)


BECH = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _polymod(values):
    gen = [0x3B6A57B2, 0x26508E6D, 0x1EA119FA, 0x3D4233DD, 0x2A1462B3]
    chk = 1
    for v in values:
        b = chk >> 25
        chk = (chk & 0x1FFFFFF) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if ((b >> i) & 1) else 0
    return chk


def bech32_ok(s: str) -> bool:
    s = s.lower()
    if "1" not in s:
        return False
    hrp, data = s.rsplit("1", 1)
    if hrp != "bc" or any(c not in BECH for c in data) or len(data) < 6:
        return False
    values = [ord(x) >> 5 for x in hrp] + [0] + [ord(x) & 31 for x in hrp] + [BECH.index(c) for c in data]
    return _polymod(values) in (1, 0x2BC830A3)  # bech32 or bech32m


# Keccak-256 (the pre-standard padding used by Ethereum), for EIP-55.
_RC = [
    0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000,
    0x000000000000808B, 0x0000000080000001, 0x8000000080008081, 0x8000000000008009,
    0x000000000000008A, 0x0000000000000088, 0x0000000080008009, 0x000000008000000A,
    0x000000008000808B, 0x800000000000008B, 0x8000000000008089, 0x8000000000008003,
    0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
    0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
]
_ROT = [[0, 36, 3, 41, 18], [1, 44, 10, 45, 2], [62, 6, 43, 15, 61], [28, 55, 25, 21, 56], [27, 20, 39, 8, 14]]
M64 = (1 << 64) - 1


def _rol(x, n):
    return ((x << n) | (x >> (64 - n))) & M64 if n else x


def _f(a):
    for rc in _RC:
        c = [a[x][0] ^ a[x][1] ^ a[x][2] ^ a[x][3] ^ a[x][4] for x in range(5)]
        d = [c[(x - 1) % 5] ^ _rol(c[(x + 1) % 5], 1) for x in range(5)]
        a = [[a[x][y] ^ d[x] for y in range(5)] for x in range(5)]
        b = [[0] * 5 for _ in range(5)]
        for x in range(5):
            for y in range(5):
                b[y][(2 * x + 3 * y) % 5] = _rol(a[x][y], _ROT[x][y])
        a = [[b[x][y] ^ ((~b[(x + 1) % 5][y]) & b[(x + 2) % 5][y]) for y in range(5)] for x in range(5)]
        a[0][0] ^= rc
    return a


def keccak256(data: bytes) -> bytes:
    rate = 136
    msg = bytearray(data) + b"\x01"
    while len(msg) % rate:
        msg += b"\x00"
    msg[-1] |= 0x80
    a = [[0] * 5 for _ in range(5)]
    for off in range(0, len(msg), rate):
        block = msg[off:off + rate]
        for i in range(rate // 8):
            x, y = i % 5, i // 5
            a[x][y] ^= int.from_bytes(block[8 * i:8 * i + 8], "little")
        a = _f(a)
    out = b""
    for i in range(4):
        out += a[i % 5][i // 5].to_bytes(8, "little")
    return out


def eip55(addr_hex: str) -> str:
    h = addr_hex.lower().removeprefix("0x")
    k = keccak256(h.encode()).hex()
    return "0x" + "".join(c.upper() if c.isalpha() and int(k[i], 16) >= 8 else c for i, c in enumerate(h))


def eth_ok(s: str) -> bool:
    if not (s.startswith("0x") and len(s) == 42):
        return False
    body = s[2:]
    try:
        int(body, 16)
    except ValueError:
        return False
    if body == body.lower() or body == body.upper():
        return True
    return eip55(s) == s


def btc_ok(s: str) -> bool:
    if s.lower().startswith("bc1"):
        return bech32_ok(s)
    return s[0] in "13" and b58check_ok(s)


def tron_ok(s: str) -> bool:
    return s.startswith("T") and len(s) == 34 and b58check_ok(s) and b58decode(s)[0] == 0x41


def iban_ok(s: str) -> bool:
    s = s.replace(" ", "").upper()
    if len(s) < 15 or not s[:2].isalpha() or not s[2:4].isdigit():
        return False
    r = s[4:] + s[:4]
    n = "".join(str(int(c, 36)) for c in r)
    return int(n) % 97 == 1


def luhn_ok(s: str) -> bool:
    d = [int(c) for c in s if c.isdigit()]
    tot = 0
    for i, x in enumerate(reversed(d)):
        if i % 2:
            x *= 2
            if x > 9:
                x -= 9
        tot += x
    return len(d) >= 12 and tot % 10 == 0


def aba_ok(s: str) -> bool:
    d = [int(c) for c in s if c.isdigit()]
    if len(d) != 9:
        return False
    return (3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5] + d[8])) % 10 == 0


if __name__ == "__main__":
    # self-test against published examples
    assert btc_ok("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa")
    assert btc_ok("3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy")
    assert btc_ok("bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4")
    assert not btc_ok("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb")
    assert eth_ok("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed")
    assert eth_ok("0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359")
    assert not eth_ok("0x5aaeb6053F3E94C9b9A09f33669435E7Ef1BeAed")
    assert iban_ok("GB82WEST12345698765432") and iban_ok("DE89370400440532013000")
    assert iban_ok("FR1420041010050500013M02606") and iban_ok("ES9121000418450200051332")
    assert luhn_ok("4111 1111 1111 1111") and aba_ok("021000021")
    print("ok")
