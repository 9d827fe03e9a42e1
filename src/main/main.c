/*
 * main: parses the command line, runs an offline subcommand or wires the
 * server's modules from one table in dependency order, runs libre's event
 * loop, and closes the modules in reverse order.
 *
 * Settings come from built-in defaults, then the config file (--config),
 * then the flags. Signals: the first SIGINT/SIGTERM starts a clean shutdown
 * (each module's stop hook runs: calls are hung up politely, the store
 * drains), a second one exits at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <re.h>
#include "core/cc.h"
#include "store/store.h"
#include "api/api.h"
#include "wfm/wfm.h"
#include "sig/sig.h"
#include "core/center.h"
#include "med/med.h"
#include "ivr/ivr.h"
#include "crm/crm.h"
#include "kb/kb.h"

#define SB_VERSION "0.1.0"

/* A server module. init gets the final configuration; stop (optional)
 * begins a graceful shutdown; close releases everything. */
struct module {
	const char *name;
	int (*init)(const struct cc_config *cfg);
	void (*stop)(void);
	void (*close)(void);
};

/* The HTTP routes of the modules other than api's own: registered before
 * the api module starts (it serves and documents them). */
static const struct api_route *const routevv[] = {
	crm_routev, kb_routev, ivr_routev, wfm_routev, NULL,
};

static int routes_init(const struct cc_config *cfg)
{
	int err;

	(void)cfg;
	for (size_t i = 0; routevv[i]; i++) {
		err = api_routes_register(routevv[i]);
		if (err)
			return err;
	}
	return 0;
}

/* In dependency order: a module may use those above it. */
static const struct module modulev[] = {
	{"store", store_init, NULL, store_module_close},
	{"crm", crm_init, NULL, crm_close},
	{"kb", kb_init, NULL, kb_close},
	{"center", cc_center_init, cc_center_stop, cc_center_close},
	{"med", med_init, NULL, med_close},
	{"routes", routes_init, NULL, NULL},
	{"api", api_init, api_stop, api_close},
	{"sig", sig_init, sig_stop, sig_close},
	{NULL, NULL, NULL, NULL},
};

/* Offline subcommands sharing the binary; each returns an exit status. */
struct subcommand {
	const char *name;
	int (*run)(int argc, char *argv[]);
	const char *help;
};

static int cmd_check_config(int argc, char *argv[]);

static const struct subcommand subcommandv[] = {
	{"check-config", cmd_check_config,
	 "FILE...   validate config files and exit (status 2 if invalid)"},
	{"staff", wfm_cmd_staff,
	 "--calls N --interval 30m --aht S --target 80/20 [--patience S] "
	 "[--shrinkage 30%] [--json]   agents needed (Erlang C / A)"},
	{"simulate", wfm_cmd_simulate,
	 "--scenario FILE.json [--json] [--threads N]   simulate the center "
	 "with the real routing engine"},
	{"flow", ivr_cmd_flow,
	 "check [--queues a,b] [--prompts DIR] FILE...   validate IVR flow "
	 "files (status 2 listing problems)"},
	{NULL, NULL, NULL},
};

enum { GRACE_MS = 1500 };

static int sigpipe[2] = {-1, -1};
static volatile sig_atomic_t signals_seen;
static struct tmr grace_tmr;

static void usage(FILE *f)
{
	const struct subcommand *sc;

	fprintf(f, "usage: switchboard [--config FILE] [flags]\n"
		   "       switchboard SUBCOMMAND [args]\n\n"
		   "Flags (each also a config-file key without the dashes):\n"
		   "  --config FILE   read settings from FILE (key = value "
		   "lines)\n");
	cc_config_usage(f);
	fprintf(f, "  --help   this text\n  --version   print the version\n"
		   "\nSubcommands:\n");
	for (sc = subcommandv; sc->name; sc++)
		fprintf(f, "  %s %s\n", sc->name, sc->help);
}

static int cmd_check_config(int argc, char *argv[])
{
	char errbuf[8192];
	int i, status = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: switchboard check-config FILE...\n");
		return 2;
	}
	for (i = 1; i < argc; i++) {
		struct cc_config cfg;

		cc_config_init(&cfg);
		if (cc_config_load(&cfg, argv[i], errbuf, sizeof(errbuf))) {
			fprintf(stderr, "%s\n", errbuf);
			status = 2;
		}
		else
			printf("%s: ok\n", argv[i]);
	}
	return status;
}

static void on_signal(int sig)
{
	char c = (char)sig;
	ssize_t n;

	if (signals_seen++) {
		static const char msg[] = "second signal: exiting now\n";

		n = write(STDERR_FILENO, msg, sizeof(msg) - 1);
		_exit(1);
	}
	n = write(sigpipe[1], &c, 1);
	(void)n;
}

static void grace_over(void *arg)
{
	(void)arg;
	re_cancel();
}

static void sigpipe_readable(int flags, void *arg)
{
	const struct module *m;
	size_t n = 0;
	char c;

	(void)flags;
	(void)arg;
	if (read(sigpipe[0], &c, 1) != 1)
		return;
	cc_info("main", "signal %d: shutting down", c);
	for (m = modulev; m->name; m++)
		n++;
	while (n--) {
		if (modulev[n].stop)
			modulev[n].stop();
	}
	tmr_start(&grace_tmr, GRACE_MS, grace_over, NULL);
}

static int signals_install(void)
{
	struct sigaction sa;
	int err;

	if (pipe(sigpipe))
		return errno;
	fcntl(sigpipe[0], F_SETFD, FD_CLOEXEC);
	fcntl(sigpipe[1], F_SETFD, FD_CLOEXEC);
	fcntl(sigpipe[1], F_SETFL, O_NONBLOCK);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	err = fd_listen(sigpipe[0], FD_READ, sigpipe_readable, NULL);
	return err;
}

static int mkdir_p(const char *path)
{
	char buf[512];
	size_t i, n = strlen(path);

	if (n >= sizeof(buf))
		return ENAMETOOLONG;
	memcpy(buf, path, n + 1);
	for (i = 1; i <= n; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0750) && errno != EEXIST)
			return errno;
		buf[i] = path[i];
	}
	return 0;
}

/* Applies --config and then every flag. Returns -1 to go on, else an exit
 * status. */
static int parse_args(struct cc_config *cfg, int argc, char *argv[])
{
	char errbuf[8192];
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		}
		if (!strcmp(argv[i], "--version")) {
			printf("switchboard %s\n", SB_VERSION);
			return 0;
		}
		if (!strncmp(argv[i], "--config", 8) &&
		    (argv[i][8] == '=' || argv[i][8] == '\0')) {
			const char *path = argv[i][8] ? argv[i] + 9
						      : argv[i + 1];

			if (!path) {
				fprintf(stderr, "--config needs a FILE\n");
				return 2;
			}
			if (cc_config_load(cfg, path, errbuf,
					   sizeof(errbuf))) {
				fprintf(stderr, "%s\n", errbuf);
				return 2;
			}
		}
	}
	for (i = 1; i < argc; i++) {
		char key[64];
		const char *arg = argv[i], *value, *eq;
		size_t n;

		if (strncmp(arg, "--", 2)) {
			fprintf(stderr, "unexpected argument '%s' (see "
				"--help)\n", arg);
			return 2;
		}
		arg += 2;
		eq = strchr(arg, '=');
		n = eq ? (size_t)(eq - arg) : strlen(arg);
		if (n >= sizeof(key)) {
			fprintf(stderr, "unknown flag '%.80s' (see --help)\n",
				argv[i]);
			return 2;
		}
		memcpy(key, arg, n);
		key[n] = '\0';
		if (!strcmp(key, "config")) {
			if (!eq)
				i++;
			continue;
		}
		/* Before taking a value: "--sipp 1" is an unknown flag, not
		 * a value problem. */
		if (!cc_config_known(key)) {
			const char *near = cc_config_suggest(key);

			if (near)
				fprintf(stderr, "unknown flag '--%s' (did you "
					"mean '--%s'?)\n", key, near);
			else
				fprintf(stderr, "unknown flag '--%s' (see "
					"--help)\n", key);
			return 2;
		}
		if (eq)
			value = eq + 1;
		else if (cc_config_is_flag(key))
			value = "true";
		else if (i + 1 < argc)
			value = argv[++i];
		else {
			fprintf(stderr, "--%s needs a value (see --help)\n",
				key);
			return 2;
		}
		if (cc_config_set(cfg, key, value, errbuf, sizeof(errbuf))) {
			fprintf(stderr, "invalid flag --%s\n", errbuf);
			return 2;
		}
	}
	return -1;
}

int main(int argc, char *argv[])
{
	const struct subcommand *sc;
	const struct module *m;
	struct cc_config cfg;
	struct rlimit rl;
	size_t inited = 0;
	int status, err;

	if (argc > 1 && argv[1][0] != '-') {
		for (sc = subcommandv; sc->name; sc++) {
			if (!strcmp(argv[1], sc->name))
				return sc->run(argc - 1, argv + 1);
		}
		fprintf(stderr, "unknown subcommand '%s' (see --help)\n",
			argv[1]);
		return 2;
	}

	cc_config_init(&cfg);
	status = parse_args(&cfg, argc, argv);
	if (status >= 0)
		return status;
	cc_log_level_set(cfg.log_level);

	err = mkdir_p(cfg.data);
	if (err) {
		cc_error("main", "data directory %s: %s", cfg.data,
			 strerror(err));
		return 1;
	}

	/* Thousands of calls need thousands of sockets (RTP, TCP). */
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	err = libre_init();
	if (err) {
		cc_error("main", "libre_init: %s", strerror(err));
		return 1;
	}
	fd_setsize(65536);
	tmr_init(&grace_tmr);
	err = signals_install();
	if (err) {
		cc_error("main", "signals: %s", strerror(err));
		goto out;
	}

	for (m = modulev; m->name; m++) {
		err = m->init(&cfg);
		if (err) {
			cc_error("main", "module %s failed to start: %s",
				 m->name, strerror(err));
			goto out;
		}
		inited++;
	}
	cc_info("main", "switchboard %s started, data in %s", SB_VERSION,
		cfg.data);
	cc_listen_print_ready();
	if (cfg.demo)
		api_demo_logins_print();

	err = re_main(NULL);

out:
	while (inited--) {
		if (modulev[inited].close)
			modulev[inited].close();
	}
	tmr_cancel(&grace_tmr);
	if (sigpipe[0] >= 0) {
		fd_close(sigpipe[0]);
		close(sigpipe[0]);
		close(sigpipe[1]);
	}
	libre_close();
	cc_info("main", "stopped");
	return err ? 1 : 0;
}
