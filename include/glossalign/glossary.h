/*
 * glossalign/glossary.h - the glossary store: concepts (entries) and their
 * terms per language in one SQLite file, with keys at every level, a change
 * log and a versioned schema.
 *
 * Entries and terms are plain structs the caller fills or reads; strings in
 * structs returned by the store are owned by the returned object and freed
 * with it.
 */
#ifndef GLOSSALIGN_GLOSSARY_H
#define GLOSSALIGN_GLOSSARY_H

#include <glossalign/common.h>
#include <glossalign/normalize.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum gla_kind {
    GLA_KIND_TERM = 0, /* a common-noun term (the default) */
    GLA_KIND_PERSON,
    GLA_KIND_ORGANIZATION,
    GLA_KIND_PLACE,
    GLA_KIND_RANK, /* rank or title */
    GLA_KIND_UNIT, /* military unit */
    GLA_KIND_EVENT,
    GLA_KIND_ACRONYM /* an acronym with no long form */
} gla_kind;

typedef enum gla_status {
    GLA_STATUS_ADMITTED = 0, /* the default */
    GLA_STATUS_PREFERRED,
    GLA_STATUS_DEPRECATED,
    GLA_STATUS_SUPERSEDED,
    GLA_STATUS_FORBIDDEN
} gla_status;

typedef enum gla_term_type {
    GLA_TYPE_FULL_FORM = 0, /* the default */
    GLA_TYPE_ACRONYM,
    GLA_TYPE_ABBREVIATION,
    GLA_TYPE_SHORT_FORM,
    GLA_TYPE_VARIANT,
    GLA_TYPE_TRANSLITERATION
} gla_term_type;

typedef enum gla_case {
    GLA_CASE_DEFAULT = 0, /* sensitive for acronyms, else insensitive */
    GLA_CASE_SENSITIVE,
    GLA_CASE_INSENSITIVE
} gla_case;

/* Names as written in files ("person", "preferred", "fullForm", …) and
 * back. Parsers return GLA_OK or GLA_EINVAL. */
const char *gla_kind_name(gla_kind k);
int gla_kind_parse(gla_kind *out, const char *s, size_t len);
const char *gla_status_name(gla_status s);
int gla_status_parse(gla_status *out, const char *s, size_t len);
const char *gla_type_name(gla_term_type t);
int gla_type_parse(gla_term_type *out, const char *s, size_t len);
const char *gla_case_name(gla_case c); /* "" for the default */
int gla_case_parse(gla_case *out, const char *s, size_t len);

/* One term of a concept, in one language. */
typedef struct gla_term {
    int64_t id;          /* row id in the store; 0 for a new term */
    char *lang;          /* BCP 47 tag, e.g. "fr", "vi", "en" */
    char *text;          /* as written, NFC */
    gla_status status;   /* administrative status */
    gla_term_type type;  /* term type */
    char *pos;           /* part of speech, or NULL */
    gla_case case_mode;  /* case sensitivity */
    char *note;          /* or NULL */
    char *source;        /* where the form comes from, or NULL */
} gla_term;

/* One concept with all its terms. */
typedef struct gla_entry {
    int64_t id;         /* row id in the store; 0 for a new entry */
    char *ref;          /* stable text id, e.g. "person.phan-van-giang" */
    gla_kind kind;      /* what the concept is */
    char *subject;      /* subject field, or NULL */
    char *definition;   /* or NULL */
    char *note;         /* concept-level note, or NULL */
    int homonym;        /* may share a K1 key with another concept */
    int64_t created;    /* unix seconds, set by the store */
    int64_t updated;    /* unix seconds, set by the store */
    gla_term *terms;    /* n_terms terms */
    size_t n_terms;     /* number of terms */
    size_t cap_terms;   /* allocated terms */
} gla_entry;

/* Free every string and the term array of `e` (not `e` itself) and zero
 * it. Safe on a zeroed entry. */
void gla_entry_clear(gla_entry *e);
/* Free an entry returned by the store; NULL is a no-op. */
void gla_entry_free(gla_entry *e);
/* Append a copy of `t`'s strings as a new term of `e`. GLA_OK/GLA_ENOMEM. */
int gla_entry_add_term(gla_entry *e, const gla_term *t);
/* The effective case sensitivity of a term (resolves GLA_CASE_DEFAULT). */
int gla_term_case_sensitive(const gla_term *t);

#ifdef __cplusplus
}
#endif
#endif
