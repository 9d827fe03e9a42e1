/*
 * api: the HTTP/1.1 + WebSocket server (libwebsockets, own thread, own
 * loop), the REST routes under /api/v1, the event channel
 * /api/v1/events, accounts, roles, permissions and sessions, /metrics and
 * the static pages under web/.
 *
 * This header is for main (the module's life) and the core; modules that
 * serve routes include only api_req.h (the route row, requests, replies).
 * The api module's own routes are api_routev[] (src/api/api_routes.c);
 * other modules' tables are registered by main before api_init().
 */
#ifndef SB_API_H
#define SB_API_H

#include "api_req.h"

struct cc_config;

/* --- Module (main thread) ------------------------------------------------ */

int api_init(const struct cc_config *cfg);
void api_stop(void);
void api_close(void);
/* The server has started (main, once every module is up): the demo
 * accounts' logins are printed once they exist, never after a failed
 * start. */
void api_demo_logins_print(void);

/*
 * Adds a module's route table (borrowed: it must outlive the server; ends
 * with API_ROUTES_END) to the router and the OpenAPI document. Call before
 * api_init(). EEXIST (logged) when a row's method and path are already
 * served, EINVAL (logged) for a bad row (an unknown permission, an
 * API_OWN_* flag without a scoped permission or an {id}) or NULL, E2BIG
 * when too many tables. Nothing is added on failure.
 */
int api_routes_register(const struct api_route *routev);

#endif
