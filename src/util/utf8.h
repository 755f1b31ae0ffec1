/* utf8.h -- strict UTF-8 validation for text that crosses a trust boundary. */
#ifndef WARREN_UTF8_H
#define WARREN_UTF8_H

#include <stddef.h>

/*
 * 0 if s[0..len) is well-formed UTF-8 (no overlongs, surrogates or code
 * points above U+10FFFF) without NUL or C0/C1 controls other than
 * newline and tab when allow_nl is set; else ERR_UTF8.
 */
int utf8_check(const char *s, size_t len, int allow_nl);

#endif
