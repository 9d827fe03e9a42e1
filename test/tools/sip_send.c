/*
 * sip_send: sends one file's bytes as a SIP message to HOST PORT over UDP
 * or TCP and prints the status line of the first response received within
 * the timeout, or "no response". For the torture tests (test/e2e/
 * sip_torture.sh): it sends exactly what the file holds.
 *
 *   sip_send [-a] [-n COUNT] udp|tcp HOST PORT FILE [TIMEOUT_MS]
 *
 * -a prints the whole response (then a line "--"), -n sends the file COUNT
 * times from the same socket, each after the previous response (a
 * retransmission, for test/e2e/sip_retrans.sh).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int usage(void)
{
	fprintf(stderr, "usage: sip_send [-a] [-n COUNT] udp|tcp HOST PORT"
		" FILE [TIMEOUT_MS]\n");
	return 2;
}

int main(int argc, char *argv[])
{
	static char msg[65536], buf[65536];
	struct sockaddr_in sin = {.sin_family = AF_INET};
	struct pollfd pfd;
	size_t n;
	ssize_t got;
	FILE *f;
	int fd, tcp, timeout_ms, all = 0, count = 1;
	char *eol;

	while (argc > 1 && argv[1][0] == '-') {
		if (!strcmp(argv[1], "-a")) {
			all = 1;
		}
		else if (!strcmp(argv[1], "-n") && argc > 2) {
			count = atoi(argv[2]);
			argc--;
			argv++;
		}
		else {
			return usage();
		}
		argc--;
		argv++;
	}
	if (argc < 5 || count < 1)
		return usage();
	tcp = !strcmp(argv[1], "tcp");
	if (!tcp && strcmp(argv[1], "udp"))
		return usage();
	if (inet_pton(AF_INET, argv[2], &sin.sin_addr) != 1)
		return usage();
	sin.sin_port = htons((uint16_t)atoi(argv[3]));
	timeout_ms = argc > 5 ? atoi(argv[5]) : 1000;
	f = fopen(argv[4], "rb");
	if (!f) {
		perror(argv[4]);
		return 2;
	}
	n = fread(msg, 1, sizeof(msg), f);
	fclose(f);
	fd = socket(AF_INET, tcp ? SOCK_STREAM : SOCK_DGRAM, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sin, sizeof(sin))) {
		perror("connect");
		return 1;
	}
	for (int i = 0; i < count; i++) {
		if (send(fd, msg, n, MSG_NOSIGNAL) != (ssize_t)n) {
			perror("send");
			return 1;
		}
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, timeout_ms) != 1) {
			puts("no response");
			return 0;
		}
		got = recv(fd, buf, sizeof(buf) - 1, 0);
		if (got <= 0) {
			puts(got == 0 ? "closed" : "no response");
			return 0;
		}
		buf[got] = '\0';
		if (all) {
			fputs(buf, stdout);
			puts("--");
			continue;
		}
		eol = strpbrk(buf, "\r\n");
		if (eol)
			*eol = '\0';
		puts(buf);
	}
	close(fd);
	return 0;
}
