"""An independent, pure-Python SM2 (GB/T 32918) for the tests: a cross-check of Tongsuo.

This is the implementation onex signed with before it switched to Tongsuo (tongsuopy); it stays
here, outside the product, so the tests can (1) reproduce the standard's example signature with
its fixed k, which no library exposes, (2) check every signature Tongsuo makes with code that
shares nothing with it, and (3) prove that signatures made before the switch still verify.
Not constant-time; never import it from src/.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field

from onex.core.crypto_gm import DEFAULT_USER_ID, hmac_sm3, sm3

_COORD = 32


@dataclass(frozen=True)
class Curve:
    """A short Weierstrass curve ``y² = x³ + ax + b`` over F_p with base point G of order n."""

    p: int
    a: int
    b: int
    n: int
    gx: int
    gy: int

    @property
    def g(self) -> tuple[int, int]:
        return (self.gx, self.gy)

    def on_curve(self, point: tuple[int, int]) -> bool:
        x, y = point
        if not (0 <= x < self.p and 0 <= y < self.p):
            return False
        return (y * y - (x * x * x + self.a * x + self.b)) % self.p == 0


# GB/T 32918.5-2017: the recommended 256-bit curve (sm2p256v1).
SM2_CURVE = Curve(
    p=0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFF,
    a=0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF00000000FFFFFFFFFFFFFFFC,
    b=0x28E9FA9E9D9F5E344D5A9E4BCF6509A7F39789F515AB8F92DDBCBD414D940E93,
    n=0xFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123,
    gx=0x32C4AE2C1F1981195F9904466A39C9948FE30BBFF2660BE1715A4589334C74C7,
    gy=0xBC3736A2F4F6779C59BDCEE36B692153D0A9877CC62A474002DF32E52139F0A0,
)

_Jacobian = tuple[int, int, int]  # (X, Y, Z), affine (X/Z², Y/Z³); Z == 0 is the infinity
_INFINITY: _Jacobian = (1, 1, 0)


def _double(point: _Jacobian, curve: Curve) -> _Jacobian:
    x, y, z = point
    if z == 0 or y == 0:
        return _INFINITY
    p = curve.p
    yy = y * y % p
    s = 4 * x * yy % p
    m = (3 * x * x + curve.a * pow(z, 4, p)) % p
    x3 = (m * m - 2 * s) % p
    y3 = (m * (s - x3) - 8 * yy * yy) % p
    return (x3, y3, 2 * y * z % p)


def _add(first: _Jacobian, second: _Jacobian, curve: Curve) -> _Jacobian:
    if first[2] == 0:
        return second
    if second[2] == 0:
        return first
    p = curve.p
    x1, y1, z1 = first
    x2, y2, z2 = second
    z1z1, z2z2 = z1 * z1 % p, z2 * z2 % p
    u1, u2 = x1 * z2z2 % p, x2 * z1z1 % p
    s1, s2 = y1 * z2 * z2z2 % p, y2 * z1 * z1z1 % p
    if u1 == u2:
        return _double(first, curve) if s1 == s2 else _INFINITY
    h, r = (u2 - u1) % p, (s2 - s1) % p
    hh = h * h % p
    hhh = h * hh % p
    v = u1 * hh % p
    x3 = (r * r - hhh - 2 * v) % p
    y3 = (r * (v - x3) - s1 * hhh) % p
    return (x3, y3, h * z1 * z2 % p)


def _multiply(scalar: int, point: tuple[int, int], curve: Curve) -> _Jacobian:
    """``[scalar]point`` by a Montgomery ladder (one add and one double per bit, every bit)."""
    low: _Jacobian = _INFINITY
    high: _Jacobian = (point[0], point[1], 1)
    for bit in range(curve.n.bit_length() + 1, -1, -1):
        if (scalar >> bit) & 1:
            low, high = _add(low, high, curve), _double(high, curve)
        else:
            low, high = _double(low, curve), _add(low, high, curve)
    return low


def _multiply_public(
    first: int, base: tuple[int, int], second: int, point: tuple[int, int], curve: Curve
) -> _Jacobian:
    """``[first]base + [second]point`` (Shamir's trick), variable time: public scalars only."""
    base_j: _Jacobian = (base[0], base[1], 1)
    point_j: _Jacobian = (point[0], point[1], 1)
    both = _add(base_j, point_j, curve)
    total: _Jacobian = _INFINITY
    for bit in range(max(first.bit_length(), second.bit_length()) - 1, -1, -1):
        total = _double(total, curve)
        pick = ((first >> bit) & 1, (second >> bit) & 1)
        if pick == (1, 1):
            total = _add(total, both, curve)
        elif pick == (1, 0):
            total = _add(total, base_j, curve)
        elif pick == (0, 1):
            total = _add(total, point_j, curve)
    return total


def _affine(point: _Jacobian, curve: Curve) -> tuple[int, int] | None:
    x, y, z = point
    if z == 0:
        return None
    p = curve.p
    z_inv = pow(z, -1, p)
    z_inv2 = z_inv * z_inv % p
    return (x * z_inv2 % p, y * z_inv2 * z_inv % p)


def _int(data: bytes) -> int:
    return int.from_bytes(data, "big")


def _bytes(value: int) -> bytes:
    return value.to_bytes(_COORD, "big")


def encode_point(point: tuple[int, int]) -> bytes:
    return b"\x04" + _bytes(point[0]) + _bytes(point[1])


def decode_point(raw: bytes, curve: Curve = SM2_CURVE) -> tuple[int, int] | None:
    if len(raw) != 1 + 2 * _COORD or raw[0] != 0x04:
        return None
    point = (_int(raw[1 : 1 + _COORD]), _int(raw[1 + _COORD :]))
    return point if curve.on_curve(point) else None


@dataclass(frozen=True)
class Sm2PrivateKey:
    d: int = field(repr=False)
    public: bytes  # 04 || x || y
    curve: Curve = field(default=SM2_CURVE, repr=False)


def sm2_private_key(d: int, curve: Curve = SM2_CURVE) -> Sm2PrivateKey:
    if not 1 <= d <= curve.n - 2:
        raise ValueError("SM2 private key out of range [1, n-2]")
    public = _affine(_multiply(d, curve.g, curve), curve)
    assert public is not None
    return Sm2PrivateKey(d=d, public=encode_point(public), curve=curve)


def sm2_private_key_from_seed(seed: bytes, curve: Curve = SM2_CURVE) -> Sm2PrivateKey:
    """A key derived deterministically from (at least) 32 uniformly random bytes."""
    if len(seed) < _COORD:
        raise ValueError("seed too short")
    # Reduce 48 bytes (the seed, stretched by SM3) rather than 32, so the modular reduction adds
    # no measurable bias (as FIPS 186-5 A.2.1 asks for extra bits).
    wide = seed + sm3(b"onex/sm2-seed-extension" + seed)[:16]
    return sm2_private_key(_int(wide) % (curve.n - 2) + 1, curve)


def sm2_z(public: bytes, user_id: bytes = DEFAULT_USER_ID, curve: Curve = SM2_CURVE) -> bytes:
    """``Z_A = SM3(ENTL_A || ID_A || a || b || x_G || y_G || x_A || y_A)`` (GB/T 32918.2 §5.5)."""
    if len(user_id) * 8 > 0xFFFF:
        raise ValueError("user ID too long")
    entl = (len(user_id) * 8).to_bytes(2, "big")
    parts = (curve.a, curve.b, curve.gx, curve.gy)
    return sm3(entl + user_id + b"".join(_bytes(v) for v in parts) + public[1:])


def _digest(public: bytes, message: bytes, user_id: bytes, curve: Curve) -> int:
    return _int(sm3(sm2_z(public, user_id, curve) + message))


def _nonces(d: int, e: int, curve: Curve, extra: bytes) -> Iterator[int]:
    """RFC 6979 §3.2 with HMAC-SM3, ``extra`` appended to the seed material (§3.6)."""
    material = _bytes(d) + _bytes(e % curve.n) + extra
    v = b"\x01" * 32
    k = b"\x00" * 32
    k = hmac_sm3(k, v + b"\x00" + material)
    v = hmac_sm3(k, v)
    k = hmac_sm3(k, v + b"\x01" + material)
    v = hmac_sm3(k, v)
    while True:
        v = hmac_sm3(k, v)
        candidate = _int(v)
        if 1 <= candidate < curve.n:
            yield candidate
        k = hmac_sm3(k, v + b"\x00")
        v = hmac_sm3(k, v)


def sm2_sign(
    key: Sm2PrivateKey,
    message: bytes,
    *,
    user_id: bytes = DEFAULT_USER_ID,
    k: int | None = None,
) -> bytes:
    """SM2 signature ``r || s`` of ``message`` (GB/T 32918.2 §6.1).

    ``k`` is for the standard's known-answer test only; leave it out in real use.
    """
    curve = key.curve
    n = curve.n
    e = _digest(key.public, message, user_id, curve)
    candidates: Iterator[int] = (
        iter((k,)) if k is not None else _nonces(key.d, e, curve, secrets.token_bytes(32))
    )
    inverse = pow(1 + key.d, -1, n)
    for nonce in candidates:
        point = _affine(_multiply(nonce, curve.g, curve), curve)
        assert point is not None
        r = (e + point[0]) % n
        if r == 0 or r + nonce == n:
            continue
        s = inverse * (nonce - r * key.d) % n
        if s == 0:
            continue
        return _bytes(r) + _bytes(s)
    raise ValueError("the given k does not give a valid signature")


def sm2_verify(
    public: bytes,
    message: bytes,
    signature: bytes,
    *,
    user_id: bytes = DEFAULT_USER_ID,
    curve: Curve = SM2_CURVE,
) -> bool:
    """GB/T 32918.2 §7.1."""
    point = decode_point(public, curve)
    if point is None or len(signature) != 2 * _COORD:
        return False
    n = curve.n
    r, s = _int(signature[:_COORD]), _int(signature[_COORD:])
    if not (1 <= r < n and 1 <= s < n):
        return False
    t = (r + s) % n
    if t == 0:
        return False
    e = _digest(public, message, user_id, curve)
    total = _affine(_multiply_public(s, curve.g, t, point, curve), curve)
    if total is None:
        return False
    return (e + total[0]) % n == r
