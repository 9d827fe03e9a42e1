/*
 * sig_out.c: calls out to customers through a trunk. The only ways the
 * server places a call to a number outside the center: an agent taking a
 * callback task (the number is the caller's own, as it came in), and a
 * flow's transfer node that says "external": true (the flow's author, an
 * administrator, chose the destination). Nothing a caller dials or keys
 * in reaches here: sig_call.c checks the number against the caller's.
 *
 * Trunks (table trunks, migration 031) are loaded at start; only those
 * with outbound = 1 and an outbound_addr are used, the first by id. The
 * INVITE goes to sip:NUMBER@outbound_addr with the trunk's username and
 * password answering its digest challenge.
 */
#include <errno.h>
#include <string.h>
#include <re.h>
#include "core/cc.h"
#include "sig/sig_int.h"
#include "store/store.h"

static struct {
	bool loaded;
	bool have;
	char name[64];
	char addr[128];
	char user[64];
	char pass[128];
	char caller_id[32];
} out;

static int trunk_h(sqlite3_stmt *st, void *arg)
{
	const char *v;

	(void)arg;
	str_ncpy(out.name, (const char *)sqlite3_column_text(st, 0),
		 sizeof(out.name));
	str_ncpy(out.addr, (const char *)sqlite3_column_text(st, 1),
		 sizeof(out.addr));
	v = (const char *)sqlite3_column_text(st, 2);
	str_ncpy(out.user, v ? v : "", sizeof(out.user));
	v = (const char *)sqlite3_column_text(st, 3);
	str_ncpy(out.pass, v ? v : "", sizeof(out.pass));
	v = (const char *)sqlite3_column_text(st, 4);
	str_ncpy(out.caller_id, v ? v : "", sizeof(out.caller_id));
	out.have = true;
	return 1;
}

int sig_out_init(void)
{
	sqlite3 *db = store_main() ? store_reader(store_main()) : NULL;

	memset(&out, 0, sizeof(out));
	out.loaded = true;
	if (!db)
		return 0;
	(void)store_query(db, trunk_h, NULL,
			  "SELECT name, outbound_addr, username, password,"
			  " caller_id FROM trunks WHERE outbound = 1 AND"
			  " outbound_addr IS NOT NULL AND outbound_addr <> ''"
			  " ORDER BY id LIMIT 1", "");
	if (out.have)
		cc_info("sig", "outbound calls through trunk %s (%s)",
			out.name, out.addr);
	return 0;
}

bool sig_out_available(void)
{
	return out.have;
}

bool sig_out_number_ok(const char *number)
{
	size_t n = 0;

	if (!number)
		return false;
	if (*number == '+')
		number++;
	for (; number[n]; n++)
		if (number[n] < '0' || number[n] > '9')
			return false;
	return n >= 3 && n <= 20;
}

static int auth_h(char **user, char **pass, const char *realm, void *arg)
{
	int err;

	(void)realm;
	(void)arg;
	if (!out.user[0])
		return EAUTH;
	err = str_dup(user, out.user);
	if (!err)
		err = str_dup(pass, out.pass);
	return err;
}

int sig_call_dial_out(struct sipsess **sessp, const char *number,
		      const char *from_number, struct mbuf *sdp,
		      const struct sig_out_handlers *h, void *arg,
		      const char *hdrs)
{
	char to_uri[192], from_uri[192];
	const char *from;

	if (!sessp || !h || !sdp)
		return EINVAL;
	if (!out.have)
		return ENOENT;
	if (!sig_out_number_ok(number))
		return EINVAL;
	from = out.caller_id[0] ? out.caller_id :
	       from_number && *from_number ? from_number : "switchboard";
	(void)re_snprintf(to_uri, sizeof(to_uri), "sip:%s@%s", number,
			  out.addr);
	(void)re_snprintf(from_uri, sizeof(from_uri), "sip:%s@%s", from,
			  sig_laddr_str());
	cc_info("sig", "dialling %s through trunk %s", number, out.name);
	return sipsess_connect(sessp, sig_sess_sock(), to_uri, from,
			       from_uri, "switchboard", NULL, 0,
			       "application/sdp", sdp, auth_h, NULL, false,
			       h->offer, h->answer, h->progr, h->estab,
			       h->info, h->refer, h->close, arg, "%s",
			       hdrs ? hdrs : "");
}
