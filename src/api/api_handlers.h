/*
 * Private to the api module: the handlers of the api module's own routes
 * (the table is api_routes.c).
 */
#ifndef SB_API_HANDLERS_H
#define SB_API_HANDLERS_H

#include "api.h"

int api_route_login(struct api_req *req);
int api_route_logout(struct api_req *req);
int api_route_me(struct api_req *req);
int api_route_permissions(struct api_req *req);
int api_route_stats_live(struct api_req *req);
int api_route_health(struct api_req *req);
int api_route_list_get(struct api_req *req);
int api_route_list_add(struct api_req *req);
int api_route_list_update(struct api_req *req);
int api_route_list_delete(struct api_req *req);
int api_route_audit_get(struct api_req *req);
int api_route_accounts_get(struct api_req *req);
int api_route_accounts_add(struct api_req *req);
int api_route_accounts_update(struct api_req *req);
int api_route_accounts_delete(struct api_req *req);
int api_route_accounts_password(struct api_req *req);
int api_route_me_password(struct api_req *req);
/* api_numbers.c (live) */
int api_route_numbers_get(struct api_req *req);
int api_route_numbers_add(struct api_req *req);
int api_route_numbers_update(struct api_req *req);
int api_route_numbers_delete(struct api_req *req);
int api_route_agents_get(struct api_req *req);
int api_route_agents_add(struct api_req *req);
int api_route_agents_update(struct api_req *req);
int api_route_agents_delete(struct api_req *req);
int api_route_queues_get(struct api_req *req);
int api_route_queues_add(struct api_req *req);
int api_route_queues_update(struct api_req *req);
int api_route_queues_delete(struct api_req *req);
int api_route_flows_get(struct api_req *req);

int api_route_interactions_get(struct api_req *req);
int api_route_interaction_get(struct api_req *req);
int api_route_intervals_get(struct api_req *req);
int api_route_agent_state_get(struct api_req *req);
int api_route_agent_state_set(struct api_req *req);
int api_route_calls_get(struct api_req *req);
int api_route_call_get(struct api_req *req);
int api_route_call_control(struct api_req *req);
/* POST /interactions/{id}/mute {muted} */
int api_route_call_mute(struct api_req *req);
int api_route_agent_auto_answer(struct api_req *req);
int api_route_notes_put(struct api_req *req);
int api_route_wrapup(struct api_req *req);

int api_openapi_get(struct api_req *req);
int api_metrics_get(struct api_req *req);

/* Accounts (api_auth.c), API threads only: argon2id is slow. */
int api_account_create(int64_t *idp, const char *username,
		       const char *password, const char *role,
		       int64_t agent);
int api_account_password_set(int64_t account, const char *password);

/* Trunks and their dial-out policy (api_trunks.c, the dial helper). */
int api_route_trunks_get(struct api_req *req);
int api_route_trunks_add(struct api_req *req);
int api_route_trunks_update(struct api_req *req);
int api_route_trunks_delete(struct api_req *req);

#endif
