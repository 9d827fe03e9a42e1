/*
 * The live figures, built once a second on the libre main loop from the
 * modules that own live state, and handed to the HTTP thread as one JSON
 * object: GET /api/v1/stats/live, the wallboard's per-second "stats"
 * message and /metrics all read this one snapshot.
 */
#include <stdint.h>
#include "core/cc.h"
#include "api_int.h"
#include "api_live.h"

json_t *api_live_build(void)
{
	int64_t now = cc_wall_ms();

	return json_pack("{s:I,s:I,s:[],s:[],s:{}}", "at", (json_int_t)now,
			 "uptime_s",
			 (json_int_t)((now - (int64_t)api_started_ms) / 1000),
			 "queues", "agents", "calls");
}
