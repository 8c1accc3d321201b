#!/usr/bin/env python3
"""Writes the screens tests' own content: feed.json (revision 1),
feed-update.json (revision 2: one item withdrawn, one added, a title
changed) and two PNG charts drawn here with zlib (no image library).

Run from anywhere: python3 tests/data/make-feed.py.  The outputs are
committed; the tests never run this script."""
import hashlib, json, os, struct, zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def png(path, w, h, pixel):
    rows = b"".join(b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(w)) for y in range(h))
    def chunk(tag, data):
        c = struct.pack(">I", len(data)) + tag + data
        return c + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) \
        + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(data)
    return {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data), "type": "image/png",
            "href": os.path.basename(path)}


def bars(values):
    def pixel(x, y):
        bg, bar, axis = (250, 247, 240), (168, 32, 32), (90, 80, 70)
        if y > 330 or x < 40:
            return axis if (y == 331 or x == 40) else bg
        slot = (x - 40) // 110
        if slot < len(values) and 20 < (x - 40) % 110 < 90 and y > 330 - values[slot] * 3:
            return bar
        return bg
    return pixel


def bands(x, y):
    return (200 - y // 4, 60 + x // 6, 50) if (x // 40 + y // 40) % 2 else (240, 225, 190)


chart = png(os.path.join(HERE, "chart-dues.png"), 600, 360, bars([62, 80, 95, 71, 100]))
photo = png(os.path.join(HERE, "study-session.png"), 480, 320, bands)

def t(day, hour=9):
    return "2026-11-%02dT%02d:00:00+08:00" % (day, hour)

categories = [
    {"id": "c-decision", "name": "党组织决议、决定及执行情况", "icon": "decision", "sort": 1},
    {"id": "c-decision-meet", "parent": "c-decision", "name": "会议决定", "sort": 1},
    {"id": "c-decision-done", "parent": "c-decision", "name": "执行落实", "sort": 2},
    {"id": "c-study", "name": "思想建设与学习教育", "icon": "study", "sort": 2},
    {"id": "c-org", "name": "组织建设与党员管理", "icon": "organization", "sort": 3},
    {"id": "c-org-dev", "parent": "c-org", "name": "发展党员", "sort": 1},
    {"id": "c-org-dev-act", "parent": "c-org-dev", "name": "入党积极分子", "sort": 1},
    {"id": "c-org-elect", "parent": "c-org", "name": "换届选举", "sort": 2},
    {"id": "c-cadre", "name": "干部选任与考核", "icon": "cadre", "sort": 4},
    {"id": "c-clean", "name": "党风廉政建设", "icon": "integrity", "sort": 5},
    {"id": "c-service", "name": "联系服务党员群众", "icon": "service", "sort": 6},
    {"id": "c-dues", "name": "党费收缴与经费使用", "icon": "finance", "sort": 7},
    {"id": "c-other", "name": "其他公开事项", "icon": "other", "sort": 8},
]

SENTENCES = [
    "镇党委坚持把群众关心的事项放在公开工作的首位，每月第一个工作日集中更新一次公开内容。",
    "各村党支部按照“提出、审核、公开、反馈、归档”五个环节办理，确保每一项内容都有据可查。",
    "对群众在触控屏上留下的意见，党政办公室在五个工作日内登记并转交相关站所办理。",
    "今年以来，全镇共召开党委会议14次，研究涉及民生的议题37项，其中道路硬化、饮水安全等事项已全部完成。",
    "公开内容经分管领导审核后发布；涉及个人信息的部分一律作技术处理，不公开身份证号、电话等内容。",
    "（一）推进情况：截至10月底，12个村（社区）全部完成阵地标准化建设，配备了电子触控屏。",
    "群众可以在触控屏上按栏目查阅，也可以通过“意见建议”按钮提出问题，工作人员将及时答复。",
    "下一步，镇党委将继续完善公开目录，做到应公开尽公开，让党员群众看得到、看得懂、能监督。",
    "Wi-Fi覆盖和4G信号测试已于2026年9月完成，村级便民服务点平均办理时限缩短到1.5个工作日。",
    "本季度党费收缴率为100%，支出主要用于困难党员慰问、党员教育培训和基层党组织活动。",
]


def long_body(paragraphs):
    out = []
    for i in range(paragraphs):
        s = [SENTENCES[(i * 3 + k) % len(SENTENCES)] for k in range(3)]
        out.append("第%d部分：" % (i + 1) + "".join(s))
    return "\n".join(out)


def item(id, cat, title, body, day, period="long_term", **kw):
    d = {"id": id, "category": cat, "title": title, "body": body, "unit": "中共青禾镇委员会",
         "published_at": t(day), "period": period, "scope": "public"}
    d.update(kw)
    return d


items = [
    item("i-long", "c-decision-meet", "青禾镇党委2026年第三季度重要事项决定及执行情况通报",
         long_body(18), 20, "periodic", pinned=True),
    item("i-road", "c-decision-done", "关于村组道路硬化工程推进情况的公开", "\n".join(SENTENCES[3:6]), 18, "phased"),
    item("i-meeting", "c-decision-meet", "镇党委会议研究决定事项（十一月）", "\n".join(SENTENCES[0:3]), 5, "periodic"),
    item("i-study", "c-study", "开展主题党日活动情况", "本月主题党日活动在镇党群服务中心举行。\n[图1]\n"
         + "\n".join(SENTENCES[6:8]), 16, "immediate", attachments=[dict(photo, caption="主题党日学习现场（示意图）")]),
    item("i-trad", "c-study", "學習教育專題報告會舉行", "鎮黨委於本月舉行專題報告會，邀請縣委黨校老師授課。\n"
         "與會黨員表示，要把學習成果轉化為為群眾辦實事的具體行動，做到「學用結合」。\n"
         "報告會結束後，各支部分組討論，並提出了十二條改進建議。", 12, "immediate"),
    item("i-activist", "c-org-dev-act", "2026年下半年入党积极分子确定情况公示",
         "经支部大会讨论，确定3名同志为入党积极分子，公示期为5个工作日。\n" + SENTENCES[2], 19, "immediate",
         urgent=True),
    item("i-elect", "c-org-elect", "青山村党支部换届选举结果公告", SENTENCES[1] + "\n" + SENTENCES[4], 8, "immediate"),
    item("i-dev", "c-org-dev", "发展党员工作流程说明", "\n".join(SENTENCES[0:5]), 2, "long_term"),
    item("i-cadre", "c-cadre", "镇机关干部年度考核结果公开", "\n".join(SENTENCES[4:7]), 10, "periodic"),
    item("i-clean", "c-clean", "落实党风廉政建设责任制情况", "\n".join(SENTENCES[7:10]), 9, "periodic"),
    item("i-service", "c-service", "为民办实事项目清单（第四季度）", "\n".join(SENTENCES[5:9]), 17, "phased"),
    item("i-dues", "c-dues", "2026年第三季度党费收缴和使用情况", SENTENCES[9] + "\n[图1]\n" + SENTENCES[7], 15,
         "periodic", pinned=True, attachments=[dict(chart, caption="第三季度各支部党费收缴情况（示意）")]),
    item("i-other", "c-other", "党务公开栏目设置说明", "\n".join(SENTENCES[:2]), 1, "long_term"),
    item("i-internal", "c-other", "内部事项（仅限党内）", "不应在触控屏上出现。", 3, "long_term", scope="internal"),
    item("i-expired", "c-other", "已过公开期的旧通知", "不应在触控屏上出现。", 1, "immediate",
         expires_at="2026-11-03T09:00:00+08:00"),
]
# More items for a category with several pages.
for n in range(9):
    items.append(item("i-meet-%d" % n, "c-decision-meet", "镇党委第%d次会议决定事项" % (n + 1),
                      SENTENCES[n % len(SENTENCES)], 1 + n, "periodic"))

notices = [
    {"id": "n-urgent", "text": "紧急通知：11月25日上午镇党群服务中心停电检修，办事请错开时间。", "urgent": True},
    {"id": "n-day", "text": "每月第一个工作日为党务公开日，欢迎党员群众查阅公开内容并提出意见建议；"
                             "对公开内容有疑问的，可到镇党政办公室咨询，也可通过本屏“意见建议”留言，我们将在五个工作日内答复。",
     "period": "periodic"},
]

answers = [
    {"id": "a-1", "question": "村里的路什么时候修好？", "answer": "预计12月底前完工，届时将在本屏公开验收情况。",
     "answered_at": t(18)},
]


def write(name, revision, its):
    doc = {"format": "dangwu-feed", "version": 1, "kind": "snapshot", "revision": revision,
           "categories": {"upsert": categories}, "items": {"upsert": its},
           "notices": {"upsert": notices}, "answers": {"upsert": answers}}
    with open(os.path.join(HERE, name), "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1)
        f.write("\n")


write("feed.json", 1, items)

# More first-level categories than fit one home screen (a county that
# adds its own): home pages its tiles.
extra_cats = [{"id": "c-extra-%02d" % n, "name": "专项公开栏目%d" % (n + 1), "icon": "other", "sort": 20 + n}
              for n in range(10)]
extra_items = [item("i-extra-%02d" % n, "c-extra-%02d" % n, "专项公开事项第%d号" % (n + 1), SENTENCES[n], 4, "periodic")
               for n in range(10)]
# ... and a category with more (and longer) second-level entries than two
# rows of tabs hold: the tabs page with 更多….
many_tabs = [{"id": "c-extra-00-%d" % n, "parent": "c-extra-00", "name": "第%d项专项工作推进落实情况公开" % (n + 1),
              "sort": n} for n in range(9)]
many_tab_items = [item("i-tab-%d" % n, "c-extra-00-%d" % n, "第%d项专项工作情况说明" % (n + 1), SENTENCES[n], 6,
                       "phased") for n in range(9)]
categories_saved = categories
categories = categories + extra_cats + many_tabs
write("feed-many.json", 1, items + extra_items + many_tab_items)
categories = categories_saved

# An item whose image is not an image (the hash matches the bytes, so the
# kiosk accepts the file; decoding it fails): the reader must show a
# placeholder, not crash or go blank.
garbage = b"\x89PNG\r\n\x1a\n" + bytes((i * 37) % 256 for i in range(4000))
with open(os.path.join(HERE, "broken.png"), "wb") as f:
    f.write(garbage)
broken = {"sha256": hashlib.sha256(garbage).hexdigest(), "size": len(garbage), "type": "image/png",
          "href": "broken.png", "caption": "无法解码的图片"}
write("feed-broken-image.json", 1, items + [item("i-broken", "c-other", "附图无法显示的公开事项",
                                                  "正文照常显示。\n[图1]\n图片之后的正文。", 20, "immediate",
                                                  attachments=[broken])])
updated = [dict(i) for i in items if i["id"] != "i-long"]
for i in updated:
    if i["id"] == "i-road":
        i["title"] = "关于村组道路硬化工程推进情况的公开（已更新）"
updated.append(item("i-fresh", "c-service", "新增：冬季供暖保障措施公开", SENTENCES[2], 21, "immediate"))
write("feed-update.json", 2, updated)

# Reading (tests/headless/pages.txt): bodies as clerks paste them.  A CRLF
# body with runs of blank lines before, between and after the text,
# full-width indents, tabs and runs of spaces, and a last line of white
# space only: no page may come out blank.
messy = ("\r\n" * 120 + "　　" + SENTENCES[0] + "\r\n \t \r\n\u3000\u3000\r\n"
         + "\r\n".join("\u3000\u3000" + long_body(12).split("\n")[k] + "   \t" for k in range(12))
         + "\r\n" * 60 + "   \u3000\u00a0\r\n")
reading = [
    item("i-messy", "c-other", "关于整理粘贴文本的测试公开事项", messy, 20, "immediate"),
    item("i-long-trad", "c-study", "鎮黨委理論學習中心組學習情況通報",
         "\n".join("第%d部分：鎮黨委堅持把理論學習放在首位，每月集中學習一次，"
                   "各支部書記輪流領學，並結合「三會一課」制度，做到學習有計劃、有記錄、有檢查。"
                   "與會同志圍繞鄉村振興、基層治理等議題深入交流，提出了切實可行的意見。" % (k + 1)
                   for k in range(14)), 14, "periodic", lang="zh-Hant"),
    # One-line paragraphs: nothing for widow and orphan control to move, so
    # a page shows as many lines as it holds.
    item("i-lines", "c-other", "村级党组织书记联系电话一览", "\n".join(
        "%d. 第%d村党支部书记联系电话：0571-8888%04d" % (k + 1, k + 1, k) for k in range(48)), 19, "long_term"),
]
# The justification corpus of test_text.c as two items, for the pictures in
# docs/TYPOGRAPHY.md (scripts/typography.txt).
with open(os.path.join(HERE, "..", "corpus", "justify_zh.txt"), encoding="utf-8") as f:
    corpus = f.read().split("\n")
reading += [
    item("i-justify-sc", "c-other", "两端对齐与标点挤压（简体）", "\n".join(corpus[:6]), 18, "long_term"),
    item("i-justify-tc", "c-other", "兩端對齊與標點擠壓（繁體）", "\n".join(p for p in corpus[6:] if p), 18, "long_term",
         lang="zh-Hant"),
]
# A structured (Markdown) body with every element: headings, lists (ordered,
# unordered, nested), emphasis, a 落款 block, an image in place and two
# tables, one long enough to continue over pages (its header row repeats).
rows = "\n".join("| 第%d党支部 | %d | %d | %.2f | %s |" % (k + 1, 20 + k % 9, 20 + k % 9 - (k % 3 == 0),
                                                            1200 + k * 37.5, "按时足额" if k % 3 else "1人补交")
                  for k in range(36))
structured = (
    "# 一、基本情况\n\n"
    "本季度全镇各党支部按照《**中国共产党党费收缴、使用和管理的规定**》收缴党费，现将有关情况公开如下。"
    "收缴工作坚持*按月交纳*原则，个别党员因外出务工延期交纳的，已在季度内补齐。\n\n"
    "## （一）收缴情况\n\n"
    "表：2026年第三季度各党支部党费收缴情况\n\n"
    "| 党支部 | 应交人数 | 实交人数 | 金额（元） | 备注 |\n"
    "|:---|---:|---:|---:|:---:|\n" + rows + "\n\n"
    "## （二）使用情况\n\n"
    "1. 困难党员慰问：走访慰问生活困难党员和老党员18人，支出5,400.00元。\n"
    "2. 党员教育培训：举办专题培训班2期，支出3,260.00元。\n"
    "   - 其中购买学习资料支出1,180.00元；\n"
    "   - 场地和印刷支出2,080.00元。\n"
    "3. 基层党组织活动：支持各支部开展主题党日活动，支出4,150.00元。\n\n"
    "[图1]\n\n"
    "# 二、公开目录\n\n"
    "表：党务公开目录（节选）\n\n"
    "| 一级目录 | 二级目录 | 三级目录 | 公开时限 |\n"
    "|---|---|---|:---:|\n"
    "| 党的组织建设 | 发展党员 | 入党积极分子确定 | 即时 |\n"
    "| 党的组织建设 | 发展党员 | 预备党员接收公示 | 即时 |\n"
    "| 党的组织建设 | 党费收缴 | 季度收缴使用情况 | 定期 |\n"
    "| 党风廉政建设 | 作风建设 | 落实中央八项规定精神情况 | 定期 |\n\n"
    "- 对公开内容有疑问的，可在本屏点“意见建议”留言；\n"
    "- 也可到镇党政办公室咨询。\n\n"
    "::: 落款\n中共青禾镇委员会\n2026年10月12日\n:::\n")
reading.append(item("i-structured", "c-dues", "2026年第三季度党费收缴、使用和管理情况（结构化）", structured, 17,
                    "periodic", body_format="markdown", attachments=[dict(chart, caption="各支部党费收缴（示意）")]))
write("feed-reading.json", 1, items + reading)

# Changes and withdrawals explained (tests/headless/reasons.txt): a delta
# from feed.json that corrects an item and says why, then one that
# withdraws it and says why.
def write_delta(name, base, its, deletes=(), withdrawals=()):
    doc = {"format": "dangwu-feed", "version": 1, "kind": "delta", "base_revision": base, "revision": base + 1,
           "items": {"upsert": its, "delete": list(deletes)}}
    if withdrawals:
        doc["withdrawals"] = list(withdrawals)
    with open(os.path.join(HERE, name), "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1)
        f.write("\n")


corrected = dict(next(i for i in items if i["id"] == "i-road"))
corrected["body"] = corrected["body"].replace("。", "（工程量以验收为准）。", 1)
corrected["change_reason"] = "原公开的完工里程有误，已按验收结果更正"
corrected["changed_at"] = "2026-11-20T10:00:00+08:00"
write_delta("feed-change.json", 1, [corrected])
write_delta("feed-withdraw.json", 2, [], deletes=["i-road"],
            withdrawals=[{"id": "i-road", "reason": "该事项已并入年度工作通报统一公开",
                          "withdrawn_at": "2026-11-21T09:00:00+08:00"}])
