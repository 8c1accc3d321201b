/* number.h — strict decimal numbers from text.
 *
 * atoi() and friends read "12x" as 12 and "x" as 0, so a typo becomes a
 * valid-looking answer; these read the whole string or fail.  Every
 * program parses numbers from text (settings, query strings, command
 * lines, headless scripts, stored state) through here. */
#ifndef COMMON_NUMBER_H
#define COMMON_NUMBER_H

#include <stdint.h>

/* Reads all of `text` (optional sign, decimal digits, nothing else) into
 * *out.  Returns 0, or -1 when text is NULL, empty, has any other
 * character, or lies outside lo..hi; *out is then unchanged. */
int number_parse(const char *text, int64_t lo, int64_t hi, int64_t *out);

/* The same for an int field. */
int number_parse_int(const char *text, int lo, int hi, int *out);

#endif
