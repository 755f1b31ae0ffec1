/* xmalloc.h -- allocation that dies on OOM, so callers never check. */
#ifndef WARREN_XMALLOC_H
#define WARREN_XMALLOC_H

#include <stddef.h>

void *xmalloc(size_t);
void *xcalloc(size_t, size_t);
void *xrealloc(void *, size_t);
void *xreallocarray(void *, size_t, size_t);
char *xstrdup(const char *);
char *xstrndup(const char *, size_t);
int xasprintf(char **, const char *, ...)
    __attribute__((format(printf, 2, 3)));
/* Zero, then free; accepts NULL. For buffers that held secrets. */
void secret_free(void *, size_t);
/*
 * A copy of a secret string in guarded memory (sodium_malloc: locked,
 * guard pages), or die; free it with secret_strfree (zeroes; accepts NULL).
 */
char *secret_strdup(const char *);
void secret_strfree(char *);

#endif
