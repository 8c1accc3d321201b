/* catalog_rules.h — a catalog entry's rules written in words, as county
 * staff write them in catalog.txt's fifth column or `kioskctl catalog-add
 * --rules`: "社会 定期 每季度 1-10日 公示15天 会议 公开栏 触控屏".
 *
 *   社会 / 党内                 公开范围  -> "scope": "public" / "internal"
 *   固定 / 定期 / 随时          公开时限  -> "timing": "fixed" / "periodic" / "anytime"
 *   每月 / 每季度 (月度, 季度)  cadence   -> "cadence": "monthly" / "quarterly"
 *   1-10日                      disclosure days of each period -> "days": [1, 10]
 *   公示15天 (至少15天)         shown at least -> "min_days": 15
 *   any other word              公开形式  -> "channels": "会议 公开栏 触控屏"
 *
 * Words are separated by spaces, full-width spaces, 、 or commas;
 * Traditional forms (社會, 黨內, 隨時, 每季) are read as well.  countyd
 * checks the result again (countyd/catalog.h). */
#ifndef KIOSKCTL_CATALOG_RULES_H
#define KIOSKCTL_CATALOG_RULES_H

#include <jansson.h>

#include "err.h"

/* The "rules" object for `text`; -1 and Err on a word that contradicts
 * another (社会 and 党内) or a malformed number. */
int catalog_rules_parse(const char *text, json_t **out, Err *err);

#endif
