#!/usr/bin/env python3
"""Generates the PSKC key container that `bench/run` imports.

    gen_pskc.py N OUTDIR

Writes into OUTDIR:
  delivery.pskcxml  N TOTP keys (SHA1, 6 digits, 30 s), serials 90000000 on,
                    encrypted with AES-128-CBC under a key derived with PBKDF2
                    (HMAC-SHA256, 100,000 iterations) from the passphrase, each
                    with its HMAC-SHA1 ValueMAC under an encrypted MAC key, as
                    RFC 6030 lays them out
  passphrase        the passphrase
  check.env         SERIAL and SECRET (hex) of one key, for bench/run to
                    compare tokenctl's code with oathtool's

Only the Python standard library and the `openssl` command are used, so the
container comes from an implementation independent of tokenctl's. AES in
pure Python would take minutes, so all values are encrypted in ONE `openssl
enc -nopad` run: each value is padded (PKCS#7) by itself and the padded
values are chained, so value i's ciphertext blocks, preceded by the block
before them (the IV for the first), are exactly its own CBC encryption under
that IV. The output is deterministic (fixed salt, IV and secrets).
"""

import base64
import datetime as dt
import hashlib
import hmac
import os
import subprocess
import sys

PASSPHRASE = "bench-pskc-passphrase"
ITERATIONS = 100_000
SALT = hashlib.sha256(b"tokenctl bench salt").digest()[:16]
IV = hashlib.sha256(b"tokenctl bench iv").digest()[:16]
MAC_KEY = hashlib.sha256(b"tokenctl bench mac key").digest()[:20]
FIRST_SERIAL = 90_000_000


def pad(value):
    n = 16 - len(value) % 16
    return value + bytes([n]) * n


def main():
    n = int(sys.argv[1])
    out = sys.argv[2]
    os.makedirs(out, exist_ok=True)
    key = hashlib.pbkdf2_hmac("sha256", PASSPHRASE.encode(), SALT, ITERATIONS, 16)
    secrets = [hashlib.sha1(f"bench secret {i}".encode()).digest() for i in range(n)]
    values = [MAC_KEY] + secrets
    padded = [pad(v) for v in values]
    chained = subprocess.run(
        ["openssl", "enc", "-aes-128-cbc", "-nopad", "-K", key.hex(), "-iv", IV.hex()],
        input=b"".join(padded), check=True, capture_output=True).stdout
    cipher_values = []
    at = 0
    for p in padded:
        iv = IV if at == 0 else chained[at - 16:at]
        cipher_values.append(iv + chained[at:at + len(p)])
        at += len(p)
    b64 = lambda b: base64.b64encode(b).decode()
    aes = "http://www.w3.org/2001/04/xmlenc#aes128-cbc"
    parts = [f"""<?xml version="1.0" encoding="UTF-8"?>
<pskc:KeyContainer Version="1.0" xmlns:pskc="urn:ietf:params:xml:ns:keyprov:pskc"
  xmlns:xenc="http://www.w3.org/2001/04/xmlenc#" xmlns:xenc11="http://www.w3.org/2009/xmlenc11#">
 <pskc:EncryptionKey>
  <xenc11:DerivedKey>
   <xenc11:KeyDerivationMethod Algorithm="http://www.w3.org/2009/xmlenc11#pbkdf2">
    <xenc11:PBKDF2-params>
     <xenc11:Salt><xenc11:Specified>{b64(SALT)}</xenc11:Specified></xenc11:Salt>
     <xenc11:IterationCount>{ITERATIONS}</xenc11:IterationCount>
     <xenc11:KeyLength>16</xenc11:KeyLength>
     <xenc11:PRF Algorithm="http://www.w3.org/2001/04/xmldsig-more#hmac-sha256"/>
    </xenc11:PBKDF2-params>
   </xenc11:KeyDerivationMethod>
  </xenc11:DerivedKey>
 </pskc:EncryptionKey>
 <pskc:MACMethod Algorithm="http://www.w3.org/2000/09/xmldsig#hmac-sha1">
  <pskc:MACKey>
   <xenc:EncryptionMethod Algorithm="{aes}"/>
   <xenc:CipherData><xenc:CipherValue>{b64(cipher_values[0])}</xenc:CipherValue></xenc:CipherData>
  </pskc:MACKey>
 </pskc:MACMethod>
"""]
    first = dt.date(2027, 1, 1)
    for i in range(n):
        cv = cipher_values[i + 1]
        mac = hmac.new(MAC_KEY, cv, hashlib.sha1).digest()
        expires = first + dt.timedelta(days=i % 1460)
        parts.append(f""" <pskc:KeyPackage>
  <pskc:DeviceInfo><pskc:Manufacturer>Bench</pskc:Manufacturer><pskc:SerialNo>{FIRST_SERIAL + i}</pskc:SerialNo></pskc:DeviceInfo>
  <pskc:Key Id="k{i}" Algorithm="urn:ietf:params:xml:ns:keyprov:pskc:totp">
   <pskc:AlgorithmParameters><pskc:Suite>HMAC-SHA1</pskc:Suite><pskc:ResponseFormat Length="6" Encoding="DECIMAL"/></pskc:AlgorithmParameters>
   <pskc:Data>
    <pskc:Secret>
     <pskc:EncryptedValue><xenc:EncryptionMethod Algorithm="{aes}"/><xenc:CipherData><xenc:CipherValue>{b64(cv)}</xenc:CipherValue></xenc:CipherData></pskc:EncryptedValue>
     <pskc:ValueMAC>{b64(mac)}</pskc:ValueMAC>
    </pskc:Secret>
    <pskc:Time><pskc:PlainValue>0</pskc:PlainValue></pskc:Time>
    <pskc:TimeInterval><pskc:PlainValue>30</pskc:PlainValue></pskc:TimeInterval>
   </pskc:Data>
   <pskc:Policy><pskc:ExpiryDate>{expires.isoformat()}T00:00:00+09:00</pskc:ExpiryDate></pskc:Policy>
  </pskc:Key>
 </pskc:KeyPackage>
""")
    parts.append("</pskc:KeyContainer>\n")
    with open(os.path.join(out, "delivery.pskcxml"), "w", encoding="utf-8") as f:
        f.writelines(parts)
    with open(os.path.join(out, "passphrase"), "w", encoding="utf-8") as f:
        f.write(PASSPHRASE + "\n")
    last = n - 1
    with open(os.path.join(out, "check.env"), "w") as f:
        f.write(f"PSKC_SERIAL={FIRST_SERIAL + last}\nPSKC_SECRET={secrets[last].hex()}\n")


if __name__ == "__main__":
    main()
