#include "receipt.h"

#include <openssl/sha.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

bool receipt_kind_has_receipt(FeedbackKind kind) { return kind != FEEDBACK_RATING && feedback_kind_word(kind); }

/* Luhn over the digits, as if a check digit were to follow them. */
static char luhn_check_digit(const char *digits, int n)
{
    int sum = 0;
    for (int i = n - 1, doubled = 1; i >= 0; i--, doubled = !doubled) {
        int d = digits[i] - '0';
        if (doubled) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
        sum += d;
    }
    return (char)('0' + (10 - sum % 10) % 10);
}

int receipt_from_feedback_id(const char *feedback_id, char out[RECEIPT_DIGITS + 1], Err *err)
{
    if (!proto_feedback_id_valid(feedback_id)) return err_set(err, "not a feedback id");
    unsigned char hash[SHA256_DIGEST_LENGTH];
    SHA256((const unsigned char *)feedback_id, strlen(feedback_id), hash);
    uint64_t v = 0;
    for (int i = 0; i < 8; i++) v = v << 8 | hash[i];
    snprintf(out, RECEIPT_DIGITS, "%011llu", (unsigned long long)(v % 100000000000ULL));
    out[RECEIPT_DIGITS - 1] = luhn_check_digit(out, RECEIPT_DIGITS - 1);
    out[RECEIPT_DIGITS] = '\0';
    return 0;
}

/* One typed character: an ASCII or full-width (U+FF10..U+FF19) digit is
 * stored, a separator skipped.  Returns the bytes it took, 0 for a
 * character that belongs in no receipt number. */
static int take_char(const unsigned char *s, char *digit)
{
    *digit = '\0';
    if (*s >= '0' && *s <= '9') return *digit = (char)*s, 1;
    if (*s == ' ' || *s == '-') return 1;
    if (s[0] == 0xEF && s[1] == 0xBC && s[2] >= 0x90 && s[2] <= 0x99) return *digit = (char)('0' + s[2] - 0x90), 3;
    if (s[0] == 0xE3 && s[1] == 0x80 && s[2] == 0x80) return 3; /* U+3000 */
    return 0;
}

int receipt_normalize(const char *typed, char out[RECEIPT_DIGITS + 1], Err *err)
{
    int n = 0;
    for (const unsigned char *s = (const unsigned char *)(typed ? typed : ""); *s;) {
        char digit;
        int used = take_char(s, &digit);
        if (used == 0) return err_set(err, "回执号只含数字");
        if (digit && n == RECEIPT_DIGITS) return err_set(err, "回执号是12位数字");
        if (digit) out[n++] = digit;
        s += used;
    }
    out[n] = '\0';
    if (n != RECEIPT_DIGITS) return err_set(err, "回执号是12位数字");
    if (luhn_check_digit(out, RECEIPT_DIGITS - 1) != out[RECEIPT_DIGITS - 1])
        return err_set(err, "回执号有误，请核对后重新输入");
    return 0;
}

void receipt_format(const char *digits, char out[RECEIPT_TEXT_MAX])
{
    snprintf(out, RECEIPT_TEXT_MAX, "%.4s %.4s %.4s", digits, digits + 4, digits + 8);
}

/* ---- a case's status ---------------------------------------------------------- */

static const char *const status_words[] = {"pending", "in_progress", "answered", "notified"};
static const char *const status_labels[] = {"待办理", "办理中", "已答复", "已告知"};
#define STATUS_COUNT ((int)(sizeof status_words / sizeof status_words[0]))

int case_status_parse(const char *word)
{
    for (int i = 0; word && i < STATUS_COUNT; i++)
        if (strcmp(status_words[i], word) == 0) return i;
    return -1;
}

const char *case_status_word(CaseStatus s) { return (unsigned)s < STATUS_COUNT ? status_words[s] : NULL; }
const char *case_status_label(CaseStatus s) { return (unsigned)s < STATUS_COUNT ? status_labels[s] : NULL; }
