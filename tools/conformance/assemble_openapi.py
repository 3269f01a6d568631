#!/usr/bin/env python3
"""Assembles one OpenAPI document from the spec pages in ../shared/timbal-api (each holds a complete OpenAPI 3.1
document for one operation, in a ```yaml block) and writes it to openapi.yaml beside this script.

Usage: assemble_openapi.py [SPEC_DIR]   (default: ../../../shared/timbal-api, relative to this script)
"""
import pathlib
import re
import sys

import yaml

HERE = pathlib.Path(__file__).resolve().parent
SPEC_DIR = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parents[2] / "shared" / "timbal-api"
PAGES = ["dispatch-connector-job.md", "list-connector-jobs.md"]


def openapi_block(page: pathlib.Path) -> dict:
    match = re.search(r"````yaml[^\n]*\n(.*?)````", page.read_text(), re.S)
    if not match:
        sys.exit(f"{page}: no ````yaml block")
    return yaml.safe_load(match.group(1))


def main() -> None:
    merged: dict = {}
    for name in PAGES:
        doc = openapi_block(SPEC_DIR / name)
        if not merged:
            merged = {key: doc[key] for key in ("openapi", "info", "servers", "security", "tags")}
            merged["paths"] = {}
            merged["components"] = {"schemas": {}, "securitySchemes": {}}
        merged["paths"].update(doc["paths"])
        for section in ("schemas", "securitySchemes"):
            merged["components"][section].update(doc.get("components", {}).get(section, {}))
    out = HERE / "openapi.yaml"
    header = "# Assembled by assemble_openapi.py from ../shared/timbal-api; do not edit by hand.\n"
    out.write_text(header + yaml.safe_dump(merged, sort_keys=False, allow_unicode=True))
    print(out)


if __name__ == "__main__":
    main()
