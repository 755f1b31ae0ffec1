/*
 * listener.c -- AF_UNIX listener for inbound peers (the onion service
 * target), with a cap on unauthenticated connections.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/listener.h>

#include "net/listener.h"
#include "util/err.h"
#include "util/log.h"
#include "util/xmalloc.h"

#define LISTENER_BACKLOG	16

struct listener {
	struct event_base *base;
	struct evconnlistener *evl;
	struct event *retry_ev;	/* re-enable after an accept error */
	char *path;
	unsigned int max_unauth;
	unsigned int unauth;
	listener_cb *cb;
	void *arg;
};

/* A connection arrived: count it, or close it if at the cap. */
static void
listener_accept(struct evconnlistener *evl, evutil_socket_t fd,
    struct sockaddr *sa, int salen, void *arg)
{
	struct listener *l = arg;
	struct bufferevent *bev;

	if (l->unauth >= l->max_unauth) {
		log_debug("listener: %u unauthenticated, refusing one",
		    l->unauth);
		evutil_closesocket(fd);
		return;
	}
	bev = bufferevent_socket_new(l->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL) {
		evutil_closesocket(fd);
		return;
	}
	l->unauth++;
	l->cb(l, bev, l->arg);
}

/* Try accepting again after an error pause. */
static void
listener_retry(evutil_socket_t fd, short what, void *arg)
{
	struct listener *l = arg;

	evconnlistener_enable(l->evl);
}

/* accept failed (EMFILE and friends): pause instead of spinning. */
static void
listener_error(struct evconnlistener *evl, void *arg)
{
	struct listener *l = arg;
	struct timeval tv = { 1, 0 };

	log_warn("listener: accept: %s", strerror(errno));
	evconnlistener_disable(evl);
	evtimer_add(l->retry_ev, &tv);
}

/* Is the directory holding path ours and closed to others? */
static int
listener_check_dir(const char *path)
{
	char buf[PATH_MAX];
	struct stat sb;

	if (strlen(path) >= sizeof buf)
		return ERR_TOOBIG;
	strcpy(buf, path);
	if (stat(dirname(buf), &sb) != 0)
		return ERR_IO;
	if (!S_ISDIR(sb.st_mode) || sb.st_uid != getuid() ||
	    (sb.st_mode & (S_IWGRP | S_IWOTH)) != 0)
		return ERR_INVAL;
	return 0;
}

/* Create the socket file and listen; see listener.h. */
int
listener_new(struct listener **out, struct event_base *base,
    const char *path, unsigned int max_unauth, listener_cb *cb, void *arg)
{
	struct sockaddr_un sun;
	struct listener *l = NULL;
	struct stat sb;
	mode_t old;
	int fd = -1, r;

	*out = NULL;
	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun.sun_path)
		return ERR_TOOBIG;
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((r = listener_check_dir(path)) != 0)
		return r;
	if (lstat(path, &sb) == 0) {
		if (!S_ISSOCK(sb.st_mode))
			return ERR_EXISTS;
		if (unlink(path) != 0)
			return ERR_IO;
	}

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return ERR_IO;
	old = umask(0177);
	r = bind(fd, (struct sockaddr *)&sun, sizeof sun);
	umask(old);
	if (r != 0) {
		log_warn("listener: bind %s: %s", path, strerror(errno));
		close(fd);
		return ERR_IO;
	}

	l = xcalloc(1, sizeof *l);
	l->base = base;
	l->path = xstrdup(path);
	l->max_unauth = max_unauth;
	l->cb = cb;
	l->arg = arg;
	l->evl = evconnlistener_new(base, listener_accept, l,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, LISTENER_BACKLOG,
	    fd);
	if (l->evl == NULL) {
		close(fd);
		r = ERR_IO;
		goto out;
	}
	if ((l->retry_ev = evtimer_new(base, listener_retry, l)) == NULL) {
		r = ERR_NOMEM;
		goto out;
	}
	evconnlistener_set_error_cb(l->evl, listener_error);
	*out = l;
	l = NULL;
	r = 0;
out:
	listener_free(l);
	return r;
}

/* Stop and remove the socket file. */
void
listener_free(struct listener *l)
{
	if (l == NULL)
		return;
	if (l->evl != NULL)
		evconnlistener_free(l->evl);
	unlink(l->path);
	if (l->retry_ev != NULL)
		event_free(l->retry_ev);
	free(l->path);
	free(l);
}

/* One connection left the unauthenticated set. */
void
listener_release(struct listener *l)
{
	if (l->unauth > 0)
		l->unauth--;
}

/* How many are unauthenticated now. */
unsigned int
listener_unauth(const struct listener *l)
{
	return l->unauth;
}
