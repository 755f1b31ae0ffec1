/*
 * fuzz_dir.h -- the data directory template of the node-level fuzz targets
 * (fuzz_core, fuzz_rpc_dispatch): each input starts from a copy of a
 * prepared directory.
 */
#ifndef WARREN_FUZZ_DIR_H
#define WARREN_FUZZ_DIR_H

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Copy the regular files of from into to (not sockets: *.sock). */
static void
copy_dir(const char *from, const char *to)
{
	char a[512], b[512], buf[65536];
	struct dirent *de;
	ssize_t k;
	DIR *d;
	int in, out;

	if ((d = opendir(from)) == NULL)
		abort();
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || strstr(de->d_name, ".sock"))
			continue;
		snprintf(a, sizeof a, "%s/%s", from, de->d_name);
		snprintf(b, sizeof b, "%s/%s", to, de->d_name);
		if ((in = open(a, O_RDONLY)) == -1)
			continue;
		if ((out = open(b, O_WRONLY | O_CREAT | O_TRUNC, 0600)) == -1)
			abort();
		while ((k = read(in, buf, sizeof buf)) > 0)
			if (write(out, buf, (size_t)k) != k)
				abort();
		close(in);
		close(out);
	}
	closedir(d);
}

/* Remove the files of dir (not subdirectories). */
static void
clear_dir(const char *dir)
{
	char a[512];
	struct dirent *de;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(a, sizeof a, "%s/%s", dir, de->d_name);
		unlink(a);
	}
	closedir(d);
}

#endif
