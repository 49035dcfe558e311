#!/usr/bin/env python3
"""Check a Kalantar evidence export offline: needs only Python 3 and `cryptography`.

    python court_check.py EXPORT_DIR PUBLIC_KEY

PUBLIC_KEY is the police's evidence key as published at /.well-known/kalantar-evidence-key:
the JSON document saved to a file, its `public_key` (base64 of the raw 32-byte Ed25519
key), or a PEM file. The check passes when manifest.json is signed by that key
(manifest.sig: the signature in base64, nothing else) and every file the manifest lists
has exactly the size and SHA-256 it states; any other file in the folder is reported too.
A redacted copy lists its parent's SHA-256 and the redaction plan (`derived_from`); when
the parent is exported too, its hash must be the one named. Exit status 0 means intact.

This file imports nothing of Kalantar, so the receiving court can read and run it alone.
"""

from __future__ import annotations

import base64
import hashlib
import json
import sys
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
FORMAT = "kalantar-evidence-export/1"
BLOCK = 1024 * 1024


def load_public_key(text: str) -> Ed25519PublicKey:
    """The key from a file's path or from its text (JSON document, PEM or base64)."""
    candidate = Path(text)
    if len(text) < 4096 and candidate.is_file():
        text = candidate.read_text(encoding="utf-8")
    text = text.strip()
    if text.startswith("{"):
        text = json.loads(text)["public_key"]
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_public_key(text.encode())
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("not an Ed25519 key")
        return key
    return Ed25519PublicKey.from_public_bytes(base64.b64decode(text, validate=True))


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(BLOCK):
            digest.update(block)
    return digest.hexdigest()


def _signature_problems(folder: Path, key: Ed25519PublicKey) -> list[str]:
    try:
        manifest = (folder / MANIFEST).read_bytes()
        signature = base64.b64decode((folder / SIGNATURE).read_bytes(), validate=True)
    except (OSError, ValueError) as error:
        return [f"cannot read the manifest or its signature: {error}"]
    try:
        key.verify(signature, manifest)
    except InvalidSignature:
        return ["the manifest's signature does not verify with this key"]
    return []


def _file_problems(folder: Path, entry: dict) -> list[str]:
    name = str(entry.get("path", ""))
    path = (folder / name).resolve()
    if not name or folder.resolve() not in path.parents:
        return [f"{name!r}: a path outside the export"]
    if not path.is_file():
        return [f"{name}: missing"]
    if path.stat().st_size != entry.get("size"):
        return [f"{name}: size {path.stat().st_size}, the manifest says {entry.get('size')}"]
    if sha256_of(path) != entry.get("sha256"):
        return [f"{name}: SHA-256 differs from the manifest"]
    return []


def _derivation_problems(manifest: dict) -> list[str]:
    """A redacted copy names its parent's hash; where the parent is in the export too, the
    two must agree (the copy was made of that very recording)."""
    hashes = {entry.get("id"): entry.get("sha256") for entry in manifest.get("items", [])}
    found = []
    for entry in manifest.get("items", []):
        derived = entry.get("derived_from")
        if not derived:
            continue
        parent = derived.get("parent_id")
        if parent in hashes and hashes[parent] != derived.get("parent_sha256"):
            found.append(f"item {entry.get('id')}: its parent {parent} has another SHA-256")
    return found


def problems(folder: Path, key: Ed25519PublicKey) -> list[str]:
    """Everything wrong with the export in `folder`; empty when it is intact."""
    found = _signature_problems(folder, key)
    if found:
        return found
    manifest = json.loads((folder / MANIFEST).read_bytes())
    if manifest.get("format") != FORMAT:
        return [f"unknown format {manifest.get('format')!r}"]
    found += _derivation_problems(manifest)
    listed = {MANIFEST, SIGNATURE}
    for entry in manifest.get("files", []):
        found += _file_problems(folder, entry)
        listed.add(str(entry.get("path", "")))
    present = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}
    found += [f"{name}: not listed in the manifest" for name in sorted(present - listed)]
    return found


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    folder, key = Path(argv[1]), load_public_key(argv[2])
    found = problems(folder, key)
    for problem in found:
        print(f"FAIL {problem}")
    if found:
        return 1
    count = len(json.loads((folder / MANIFEST).read_bytes()).get("files", []))
    print(f"OK: signature valid, {count} files intact")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
