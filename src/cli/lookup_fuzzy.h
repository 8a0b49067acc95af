/*
 * The fuzzy fall-back of `glossalign lookup`: when no key level matches,
 * the name resolver (misspellings, aliases, initials, transliteration)
 * proposes entries, printed in lookup's own columns with match "fuzzy".
 */
#ifndef GLA_CLI_LOOKUP_FUZZY_H
#define GLA_CLI_LOOKUP_FUZZY_H

#include "cli.h"

/*
 * Resolve `query` over every entry of `db` and print the candidates (all
 * their terms, one row each, or one JSON object per entry) with match
 * "fuzzy", after a note on stderr saying that nothing matched exactly.
 * `lang` (may be NULL) restricts the rows marked as hits. *found is set
 * when something was printed.
 *
 * @return CLI_OK or an exit code after a message.
 */
int cli_lookup_fuzzy(gla_db *db, const char *query, const char *lang, int json,
                     int *found);

#endif
