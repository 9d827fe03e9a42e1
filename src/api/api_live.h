/*
 * Private to the api module: the main-thread side of live state (runs on
 * the libre main loop only): the per-second figures, and the core
 * functions that routes reach through api_core_call().
 */
#ifndef SB_API_LIVE_H
#define SB_API_LIVE_H

#include <jansson.h>

/* Builds the live figures (new reference) or NULL. Main thread. */
json_t *api_live_build(void);

#endif
