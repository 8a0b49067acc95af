/*
 * Loading a name set from the glossary store: one walk over every entry
 * through the store's iterator, then one build of the fuzzy index. The
 * set is rebuilt per process; nothing here writes to the store.
 */
#include "names_int.h"

#include <string.h>

int gla_names_load(gla_names **out, gla_db *db, const gla_names_opts *opts,
                   gla_buf *errbuf)
{
    if (!out || !db)
        return GLA_EINVAL;
    *out = NULL;
    gla_names *nm = NULL;
    int rc = gla_names_new(&nm, opts);
    if (rc != GLA_OK)
        return rc;
    gla_db_iter *it = NULL;
    rc = gla_db_iter_new(&it, db, GLA_DB_ORDER_ID);
    while (rc == GLA_OK) {
        gla_entry *e = NULL;
        rc = gla_db_iter_next(&e, it);
        if (rc != GLA_OK)
            break;
        rc = gla_names_add_entry(nm, e);
        gla_entry_free(e);
    }
    gla_db_iter_free(it);
    if (rc == GLA_ITEROVER)
        rc = gla_names_build(nm);
    if (rc != GLA_OK) {
        if (errbuf && rc == GLA_EINVAL)
            gla_buf_puts(errbuf, gla_names_errmsg(nm));
        gla_names_free(nm);
        return rc;
    }
    *out = nm;
    return GLA_OK;
}
