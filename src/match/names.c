/*
 * The small vocabulary of the match module: level names and sets, mention
 * flag names. Kept apart so the CLI, the tests and the image code share
 * one spelling of each.
 */
#include "match_int.h"

#include <string.h>

static const char *const level_names[GLA_MATCH_LEVEL_COUNT] = {
    "exact", "case", "diacritics", "translit", "inflection"};

const char *gla_match_level_name(gla_match_level level)
{
    if ((unsigned)level >= GLA_MATCH_LEVEL_COUNT)
        return "?";
    return level_names[level];
}

int gla_match_levels_parse(unsigned *out, const char *s, size_t len)
{
    if (!out || (!s && len))
        return GLA_EINVAL;
    unsigned set = 0;
    size_t i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && s[j] != ',')
            j++;
        size_t a = i, b = j;
        while (a < b && (s[a] == ' ' || s[a] == '\t'))
            a++;
        while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t'))
            b--;
        int found = 0;
        if (b - a == 3 && memcmp(s + a, "all", 3) == 0) {
            set |= GLA_MATCH_LEVELS_ALL;
            found = 1;
        }
        for (unsigned l = 0; !found && l < GLA_MATCH_LEVEL_COUNT; l++) {
            if (strlen(level_names[l]) == b - a &&
                memcmp(level_names[l], s + a, b - a) == 0) {
                set |= GLA_MATCH_LEVEL_BIT(l);
                found = 1;
            }
        }
        if (!found)
            return GLA_EINVAL;
        i = j + 1;
    }
    if (!set)
        return GLA_EINVAL;
    *out = set;
    return GLA_OK;
}

int gla_mention_flags_to_buf(gla_buf *out, unsigned flags)
{
    static const struct {
        unsigned bit;
        const char *name;
    } names[] = {{GLA_MENTION_GLUED, "glued"},
                 {GLA_MENTION_DEPRECATED, "deprecated"},
                 {GLA_MENTION_AMBIGUOUS, "ambiguous"},
                 {GLA_MENTION_OVERLAP, "overlap"}};
    if (!out)
        return GLA_EINVAL;
    int first = 1;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (!(flags & names[i].bit))
            continue;
        if (!first && gla_buf_put(out, ",", 1) != GLA_OK)
            return GLA_ENOMEM;
        if (gla_buf_puts(out, names[i].name) != GLA_OK)
            return GLA_ENOMEM;
        first = 0;
    }
    return GLA_OK;
}
