/* utf8.c -- strict UTF-8 validation. */
#include <stdint.h>

#include "util/err.h"
#include "util/utf8.h"

/* Validate. */
int
utf8_check(const char *str, size_t len, int allow_nl)
{
	const uint8_t *s = (const uint8_t *)str;
	size_t i = 0, n, k;
	uint32_t cp, min;

	while (i < len) {
		cp = s[i];
		if (cp < 0x80) {
			if ((cp < 0x20 && !(allow_nl && (cp == '\n' ||
			    cp == '\t'))) || cp == 0x7f)
				return ERR_UTF8;
			i++;
			continue;
		}
		if ((cp & 0xe0) == 0xc0) {
			n = 1; cp &= 0x1f; min = 0x80;
		} else if ((cp & 0xf0) == 0xe0) {
			n = 2; cp &= 0x0f; min = 0x800;
		} else if ((cp & 0xf8) == 0xf0) {
			n = 3; cp &= 0x07; min = 0x10000;
		} else
			return ERR_UTF8;
		if (len - i <= n)
			return ERR_UTF8;
		for (k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return ERR_UTF8;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ||
		    (cp >= 0x80 && cp < 0xa0))
			return ERR_UTF8;
		i += n + 1;
	}
	return 0;
}
