/* client.c -- blocking JSON-RPC client for the CLI. */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "cli/client.h"
#include "util/xmalloc.h"

struct client {
	int fd;
	FILE *in;
	json_int_t next_id;
	char errbuf[512];
};

/* Connect. */
struct client *
client_connect(const char *dir)
{
	struct sockaddr_un sun;
	struct client *c;
	int fd, n;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	n = snprintf(sun.sun_path, sizeof sun.sun_path, "%s/warren.sock", dir);
	if (n < 0 || (size_t)n >= sizeof sun.sun_path) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return NULL;
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) != 0) {
		n = errno;
		close(fd);
		errno = n;
		return NULL;
	}
	c = xcalloc(1, sizeof *c);
	c->fd = fd;
	c->in = fdopen(dup(fd), "r");
	c->next_id = 1;
	return c;
}

/* Close. */
void
client_free(struct client *c)
{
	if (c == NULL)
		return;
	if (c->in != NULL)
		fclose(c->in);
	close(c->fd);
	free(c);
}

/* Read without stdio buffering, so poll() on client_fd sees every line. */
void
client_unbuffered(struct client *c)
{
	setvbuf(c->in, NULL, _IONBF, 0);
}

/* The socket, for poll(). */
int
client_fd(const struct client *c)
{
	return fileno(c->in);
}

/* Read one JSON line. */
json_t *
client_next(struct client *c)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	json_t *j;

	if ((n = getline(&line, &cap, c->in)) <= 0) {
		free(line);
		return NULL;
	}
	j = json_loadb(line, (size_t)n, 0, NULL);
	free(line);
	return j;
}

/* Send a request and wait for its reply, skipping notifications. */
json_t *
client_call(struct client *c, const char *method, json_t *params, int *code,
    const char **msg)
{
	json_t *req, *rep, *res, *err;
	json_int_t id = c->next_id++;
	char *s;
	size_t len, off = 0;
	ssize_t w;

	*code = 0;
	*msg = "connection to warrend lost";
	req = json_pack("{s:s, s:I, s:s, s:o}", "jsonrpc", "2.0", "id", id,
	    "method", method, "params", params ? params : json_object());
	s = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	if (s == NULL)
		return NULL;
	len = strlen(s);
	s[len++] = '\n';	/* json_dumps leaves room: replace NUL */
	while (off < len) {
		if ((w = write(c->fd, s + off, len - off)) < 0) {
			if (errno == EINTR)
				continue;
			free(s);
			return NULL;
		}
		off += (size_t)w;
	}
	free(s);
	while ((rep = client_next(c)) != NULL) {
		if (json_object_get(rep, "method") != NULL) {
			json_decref(rep);	/* a notification */
			continue;
		}
		if ((res = json_object_get(rep, "result")) != NULL) {
			json_incref(res);
			json_decref(rep);
			return res;
		}
		err = json_object_get(rep, "error");
		*code = (int)json_integer_value(json_object_get(err, "code"));
		snprintf(c->errbuf, sizeof c->errbuf, "%s",
		    json_string_value(json_object_get(err, "message")) ?
		    json_string_value(json_object_get(err, "message")) :
		    "unknown error");
		*msg = c->errbuf;
		if (*code == 0)
			*code = -1;
		json_decref(rep);
		return NULL;
	}
	return NULL;
}
