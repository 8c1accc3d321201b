#!/usr/bin/env python3
"""Writes tests/data/pdf/feed-pdf.json: one item for each PDF here (the
three-page sample and the hostile ones `make sample` writes with
scripts/sample_pdf.c), so that the headless tests open each in the reader.

Run from anywhere: python3 tests/data/pdf/make-feed.py.  The output is
committed; the tests never run this script."""
import hashlib, json, os

HERE = os.path.dirname(os.path.abspath(__file__))


def att(name, caption):
    data = open(os.path.join(HERE, name), "rb").read()
    return {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data), "type": "application/pdf",
            "caption": caption, "href": name}


ITEMS = [
    ("pdf-three", "三页的镇党委文件", "three-pages.pdf", "青禾委〔2026〕15号"),
    ("pdf-huge", "页面过大的文件", "huge-page.pdf", "三米宽"),
    ("pdf-corrupt", "损坏的文件", "corrupt.pdf", "损坏"),
    ("pdf-truncated", "不完整的文件", "truncated.pdf", "截断"),
    ("pdf-encrypted", "设置了密码的文件", "encrypted.pdf", "加密"),
    ("pdf-many", "页数过多的文件", "too-many-pages.pdf", "201页"),
]
# The category lists five items a page: the last one is reached with 下一页.

feed = {"format": "dangwu-feed", "version": 1, "kind": "snapshot", "revision": 1,
        "categories": {"upsert": [{"id": "c-pdf", "name": "文件公开", "icon": "other", "sort": 1}]},
        "items": {"upsert": [{"id": id, "category": "c-pdf", "title": title, "body": "文件原件见后页。",
                              "published_at": "2026-11-%02dT09:00:00+08:00" % (20 - n), "period": "long_term",
                              "scope": "public", "attachments": [att(name, caption)]}
                             for n, (id, title, name, caption) in enumerate(ITEMS)]}}
with open(os.path.join(HERE, "feed-pdf.json"), "w", encoding="utf-8") as f:
    json.dump(feed, f, ensure_ascii=False, indent=1)
    f.write("\n")
