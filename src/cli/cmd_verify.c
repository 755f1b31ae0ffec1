/*
 * cmd_verify.c -- warren verify: a contact's safety number as digits and a
 * QR code, and the mark that says you compared it; cli_print_qr for
 * `warren id --qr`.
 *
 * The QR code of a safety number holds SAFETY_QR_PREFIX and the 60 digits
 * ("warren-safety:1:5861617215..."); both sides show the same code.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "cli/client.h"
#include "cli/qr.h"
#include "crypto/safety.h"


#define GROUPS_PER_LINE	4

/* A string member or "". */
static const char *
jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "";
}

/* Print text as a QR code, explicit colours on a colour terminal. */
int
cli_print_qr(const struct cli *cli, const char *text)
{
	char *s;

	if ((s = qr_render(text, cli->color ? QR_COLOR : 0, NULL)) == NULL) {
		fprintf(stderr, "warren: cannot draw a QR code of that\n");
		return -1;
	}
	fputs(s, stdout);
	free(s);
	return 0;
}

/* The daemon's digits, checked: SAFETY_LEN of them and nothing else. */
static int
valid_digits(const char *s)
{
	return strlen(s) == SAFETY_LEN &&
	    strspn(s, "0123456789") == SAFETY_LEN;
}

/* "alice (pg6mmjiyjmcrsslv...)" or the address alone. */
static void
print_who(json_t *r)
{
	if (jstr(r, "name")[0])
		printf("%s (%.16s\xe2\x80\xa6)", jstr(r, "name"),
		    jstr(r, "address"));
	else
		printf("%s", jstr(r, "address"));
}

/* Twelve groups of five, GROUPS_PER_LINE to a line. */
static void
print_digits(const char *d)
{
	int g;

	for (g = 0; g < SAFETY_GROUPS; g++)
		printf("%s%.*s%s", g % GROUPS_PER_LINE == 0 ? "    " : " ",
		    SAFETY_GROUP_LEN, d + g * SAFETY_GROUP_LEN,
		    g % GROUPS_PER_LINE == GROUPS_PER_LINE - 1 ? "\n" : "");
}

/* warren verify CONTACT [--confirm] */
int
cmd_verify(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "confirm", no_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 }
	};
	json_t *p, *r;
	const char *d, *who;
	char payload[sizeof SAFETY_QR_PREFIX + SAFETY_LEN];
	struct cli_args a = { 0, 0 };
	int ch, confirm = 0;

	while ((ch = cli_getopt(&a, &argc, argv, "", opts)) != -1) {
		if (ch != 'c')
			return cli_usage(cli_find("verify"), stderr);
		confirm = 1;
	}
	if (argc != 2)
		return cli_usage(cli_find("verify"), stderr);
	cli_utf8(cli, "the contact", argv[1]);
	p = json_pack("{s:s}", "contact", argv[1]);
	if (confirm)
		json_object_set_new(p, "confirm", json_true());
	r = cli_call(cli, "contacts.verify", p);
	if (cli->json) {
		cli_print_json(r);
		json_decref(r);
		return EXIT_OK;
	}
	d = jstr(r, "safety_number");
	if (!valid_digits(d)) {
		fprintf(stderr, "warren: warrend sent a malformed safety "
		    "number\n");
		json_decref(r);
		return EXIT_FAIL;
	}
	who = jstr(r, "name")[0] ? jstr(r, "name") : jstr(r, "address");
	if (confirm) {
		print_who(r);
		printf(": %sverified%s\n", cli_green(cli), cli_reset(cli));
		json_decref(r);
		return EXIT_OK;
	}
	printf("Safety number with ");
	print_who(r);
	printf(":\n\n");
	print_digits(d);
	printf("\n");
	snprintf(payload, sizeof payload, "%s%s", SAFETY_QR_PREFIX, d);
	(void)cli_print_qr(cli, payload);
	printf("\n");
	if (json_is_true(json_object_get(r, "verified")))
		printf("%sverified%s: you compared these numbers with %s.\n",
		    cli_green(cli), cli_reset(cli), who);
	else
		printf("%sunverified%s: compare these numbers with %s in "
		    "person (or scan each\nother's code). If they are the "
		    "same, run 'warren verify %s --confirm'.\n",
		    cli_yellow(cli), cli_reset(cli), who, argv[1]);
	json_decref(r);
	return EXIT_OK;
}
