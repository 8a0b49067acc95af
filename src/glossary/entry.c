/*
 * The plain entry and term structs the store hands out and takes in, and
 * the names their enums have in files. Kept free of SQLite so the io
 * readers and writers can use them without touching a database.
 */
#include <glossalign/glossary.h>

#include <stdlib.h>
#include <string.h>

static const char *const kind_names[] = {
    "term", "person", "organization", "place",
    "rank", "unit",   "event",        "acronym",
};
static const char *const status_names[] = {
    "admitted", "preferred", "deprecated", "superseded", "forbidden",
};
static const char *const type_names[] = {
    "fullForm",  "acronym", "abbreviation",
    "shortForm", "variant", "transliteration",
};
static const char *const case_names[] = {"", "sensitive", "insensitive"};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static unsigned char fold_ascii(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c - 'A' + 'a') : c;
}

/* ASCII case-insensitive comparison of (s, len) with a NUL-terminated name:
 * hand-edited files write "FullForm" or "Preferred" often enough. */
static int same_name(const char *s, size_t len, const char *name)
{
    /* The first byte rejects most names without measuring them: the
     * matcher's compile parses three names per term of the glossary. */
    if (!len)
        return name[0] == '\0';
    if (fold_ascii((unsigned char)s[0]) != fold_ascii((unsigned char)name[0]))
        return 0;
    size_t n = strlen(name);
    if (n != len)
        return 0;
    for (size_t i = 0; i < n; i++) {
        if (fold_ascii((unsigned char)s[i]) !=
            fold_ascii((unsigned char)name[i]))
            return 0;
    }
    return 1;
}

static int parse_name(int *out, const char *const *names, size_t n,
                      const char *s, size_t len)
{
    if (!out || (!s && len))
        return GLA_EINVAL;
    for (size_t i = 0; i < n; i++) {
        if (same_name(s ? s : "", len, names[i])) {
            *out = (int)i;
            return GLA_OK;
        }
    }
    return GLA_EINVAL;
}

const char *gla_kind_name(gla_kind k)
{
    return (unsigned)k < N_OF(kind_names) ? kind_names[k] : "?";
}

int gla_kind_parse(gla_kind *out, const char *s, size_t len)
{
    int v = 0;
    int rc = parse_name(&v, kind_names, N_OF(kind_names), s, len);
    if (rc == GLA_OK)
        *out = (gla_kind)v;
    return rc;
}

const char *gla_status_name(gla_status s)
{
    return (unsigned)s < N_OF(status_names) ? status_names[s] : "?";
}

int gla_status_parse(gla_status *out, const char *s, size_t len)
{
    int v = 0;
    int rc = parse_name(&v, status_names, N_OF(status_names), s, len);
    if (rc == GLA_OK)
        *out = (gla_status)v;
    return rc;
}

const char *gla_type_name(gla_term_type t)
{
    return (unsigned)t < N_OF(type_names) ? type_names[t] : "?";
}

int gla_type_parse(gla_term_type *out, const char *s, size_t len)
{
    int v = 0;
    int rc = parse_name(&v, type_names, N_OF(type_names), s, len);
    if (rc == GLA_OK)
        *out = (gla_term_type)v;
    return rc;
}

const char *gla_case_name(gla_case c)
{
    return (unsigned)c < N_OF(case_names) ? case_names[c] : "?";
}

int gla_case_parse(gla_case *out, const char *s, size_t len)
{
    int v = 0;
    int rc = parse_name(&v, case_names, N_OF(case_names), s, len);
    if (rc == GLA_OK)
        *out = (gla_case)v;
    return rc;
}

static void term_clear(gla_term *t)
{
    free(t->lang);
    free(t->text);
    free(t->pos);
    free(t->note);
    free(t->source);
    memset(t, 0, sizeof *t);
}

void gla_entry_clear(gla_entry *e)
{
    if (!e)
        return;
    for (size_t i = 0; i < e->n_terms; i++)
        term_clear(&e->terms[i]);
    free(e->terms);
    free(e->ref);
    free(e->subject);
    free(e->definition);
    free(e->note);
    memset(e, 0, sizeof *e);
}

void gla_entry_free(gla_entry *e)
{
    if (!e)
        return;
    gla_entry_clear(e);
    free(e);
}

/* strdup is POSIX, not C11. NULL stays NULL. */
static int dup_str(char **out, const char *s)
{
    *out = NULL;
    if (!s)
        return GLA_OK;
    size_t n = strlen(s);
    char *p = malloc(n + 1);
    if (!p)
        return GLA_ENOMEM;
    memcpy(p, s, n + 1);
    *out = p;
    return GLA_OK;
}

int gla_entry_add_term(gla_entry *e, const gla_term *t)
{
    if (!e || !t)
        return GLA_EINVAL;
    if (e->n_terms == e->cap_terms) {
        size_t cap = e->cap_terms ? e->cap_terms * 2 : 4;
        if (cap > SIZE_MAX / sizeof *e->terms)
            return GLA_ENOMEM;
        gla_term *p = realloc(e->terms, cap * sizeof *p);
        if (!p)
            return GLA_ENOMEM;
        e->terms = p;
        e->cap_terms = cap;
    }
    gla_term c = *t;
    c.lang = c.text = c.pos = c.note = c.source = NULL;
    if (dup_str(&c.lang, t->lang) || dup_str(&c.text, t->text) ||
        dup_str(&c.pos, t->pos) || dup_str(&c.note, t->note) ||
        dup_str(&c.source, t->source)) {
        term_clear(&c);
        return GLA_ENOMEM;
    }
    e->terms[e->n_terms++] = c;
    return GLA_OK;
}

int gla_term_case_sensitive(const gla_term *t)
{
    if (!t)
        return 0;
    switch (t->case_mode) {
    case GLA_CASE_SENSITIVE: return 1;
    case GLA_CASE_INSENSITIVE: return 0;
    default: return t->type == GLA_TYPE_ACRONYM;
    }
}

int gla_entry_set_str(char **field, const char *s, size_t len)
{
    if (!field)
        return GLA_EINVAL;
    char *p = NULL;
    if (s) {
        if (len == SIZE_MAX)
            return GLA_ENOMEM;
        p = malloc(len + 1);
        if (!p)
            return GLA_ENOMEM;
        if (len)
            memcpy(p, s, len);
        p[len] = '\0';
    }
    free(*field);
    *field = p;
    return GLA_OK;
}

int gla_entry_copy(gla_entry *dst, const gla_entry *src)
{
    if (!dst || !src)
        return GLA_EINVAL;
    memset(dst, 0, sizeof *dst);
    dst->id = src->id;
    dst->kind = src->kind;
    dst->homonym = src->homonym;
    dst->created = src->created;
    dst->updated = src->updated;
    if (dup_str(&dst->ref, src->ref) || dup_str(&dst->subject, src->subject) ||
        dup_str(&dst->definition, src->definition) ||
        dup_str(&dst->note, src->note))
        goto oom;
    for (size_t i = 0; i < src->n_terms; i++)
        if (gla_entry_add_term(dst, &src->terms[i]) != GLA_OK)
            goto oom;
    return GLA_OK;
oom:
    gla_entry_clear(dst);
    return GLA_ENOMEM;
}
