/*
 * The registry of addresses the server listens on. Modules report after
 * binding; main prints them in one `ready` line once every module is up, so
 * that tests and scripts can start the server on port 0 and learn the port.
 */
#include <stdio.h>
#include <string.h>
#include "cc.h"

enum { LISTEN_MAX = 16 };

static struct {
	char what[32];
	char addr[128];
} listenv[LISTEN_MAX];
static size_t listenc;

void cc_listen_report(const char *what, const char *addr)
{
	size_t i;

	for (i = 0; i < listenc; i++) {
		if (!strcmp(listenv[i].what, what))
			break;
	}
	if (i == LISTEN_MAX)
		return;
	snprintf(listenv[i].what, sizeof(listenv[i].what), "%s", what);
	snprintf(listenv[i].addr, sizeof(listenv[i].addr), "%s", addr);
	if (i == listenc)
		listenc++;
}

const char *cc_listen_find(const char *what)
{
	size_t i;

	for (i = 0; i < listenc; i++) {
		if (!strcmp(listenv[i].what, what))
			return listenv[i].addr;
	}
	return NULL;
}

void cc_listen_print_ready(void)
{
	size_t i;

	printf("ready");
	for (i = 0; i < listenc; i++)
		printf(" %s=%s", listenv[i].what, listenv[i].addr);
	printf("\n");
	fflush(stdout);
}

void cc_listen_reset(void)
{
	listenc = 0;
}
