/* kpjson.h: building JSON answers with jansson so that running out of
 * memory is an error, never a shorter list or a missing member. */
#ifndef KP_KPJSON_H
#define KP_KPJSON_H

#include <jansson.h>

/* Appends item to the array list, stealing item (as json_array_append_new
 * does). Returns 0, or -1 when item is NULL (a failed json_pack) or the
 * append fails; item is released either way. */
int kp_json_push(json_t *list, json_t *item);

#endif
