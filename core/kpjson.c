/* kpjson.c: JSON building helpers (kpjson.h). */
#include "kpjson.h"

int kp_json_push(json_t *list, json_t *item)
{
	if (item == NULL)
		return -1;
	/* json_array_append_new releases item when it fails. */
	return json_array_append_new(list, item) == 0 ? 0 : -1;
}
