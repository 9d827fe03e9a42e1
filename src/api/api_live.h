/*
 * Private to the api module: the main-thread side of live state (runs on
 * the libre main loop only): the center's events republished on the event
 * channel, the per-second figures, and the core functions that routes
 * reach through api_core_call() (see api_live.c).
 */
#ifndef SB_API_LIVE_H
#define SB_API_LIVE_H

#include <jansson.h>

/* Subscribes to the center's events (main thread, at api_init). */
int api_live_init(void);
void api_live_close(void);
/* Builds the live figures (new reference) or NULL. Main thread. */
json_t *api_live_build(void);

/* api_core_h functions (main thread, through api_core_call()). */
int api_live_agent_state(json_t **resultp, const json_t *args);
int api_live_agent_state_set(json_t **resultp, const json_t *args);
int api_live_auto_answer(json_t **resultp, const json_t *args);
int api_live_calls(json_t **resultp, const json_t *args);
int api_live_call(json_t **resultp, const json_t *args);
int api_live_control(json_t **resultp, const json_t *args);
int api_live_wrapup_done(json_t **resultp, const json_t *args);
/* The running 15-minute interval's counts per queue (not yet written). */
int api_live_intervals(json_t **resultp, const json_t *args);

#endif
