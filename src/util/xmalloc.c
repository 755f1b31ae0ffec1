/* xmalloc.c -- allocation wrappers that die on OOM. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "util/log.h"
#include "util/xmalloc.h"

/* malloc or die. */
void *
xmalloc(size_t n)
{
	void *p;

	if (n == 0)
		n = 1;
	if ((p = malloc(n)) == NULL)
		fatalx("out of memory (%zu bytes)", n);
	return p;
}

/* calloc or die. */
void *
xcalloc(size_t nmemb, size_t size)
{
	void *p;

	if (nmemb == 0 || size == 0)
		nmemb = size = 1;
	if ((p = calloc(nmemb, size)) == NULL)
		fatalx("out of memory (%zu x %zu bytes)", nmemb, size);
	return p;
}

/* realloc or die. */
void *
xrealloc(void *p, size_t n)
{
	return xreallocarray(p, 1, n);
}

/* reallocarray or die, with the overflow check. */
void *
xreallocarray(void *p, size_t nmemb, size_t size)
{
	void *q;

	if (nmemb == 0 || size == 0)
		nmemb = size = 1;
	if (size > SIZE_MAX / nmemb)
		fatalx("allocation overflow (%zu x %zu)", nmemb, size);
	if ((q = realloc(p, nmemb * size)) == NULL)
		fatalx("out of memory (%zu x %zu bytes)", nmemb, size);
	return q;
}

/* strdup or die. */
char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

/* strndup or die. */
char *
xstrndup(const char *s, size_t n)
{
	char *p;
	size_t len;

	len = strnlen(s, n);
	p = xmalloc(len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

/* asprintf or die. */
int
xasprintf(char **out, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vasprintf(out, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatalx("out of memory (asprintf)");
	return n;
}

/* Zero, then free. */
void
secret_free(void *p, size_t n)
{
	if (p == NULL)
		return;
	sodium_memzero(p, n);
	free(p);
}

/* A secret string in sodium_malloc'd memory, or die. */
char *
secret_strdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *p;

	if ((p = sodium_malloc(n)) == NULL)
		fatalx("out of memory (%zu bytes of guarded memory)", n);
	memcpy(p, s, n);
	return p;
}

/* Free what secret_strdup made; sodium_free zeroes it. */
void
secret_strfree(char *p)
{
	if (p != NULL)
		sodium_free(p);
}
