/*
 * glossalign annotate: every glossary mention in a text, as TSV, JSON
 * Lines, inline mark-up or one self-contained HTML page, with the partial
 * mentions of people named before ("le général Giang"). Input is decoded
 * and scanned in chunks, and output written as mentions settle, so any
 * size of input runs in bounded memory; --jsonl makes it a pure filter
 * over one document per line.
 */
#include "commands.h"
#include "db_common.h"

#include <glossalign/partial.h>

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char annotate_help[] =
    "usage: glossalign annotate [options] [FILE|-]\n"
    "\n"
    "Find every glossary term and name in FILE (default: standard input)\n"
    "and print each mention with its concept and the approved equivalent.\n"
    "Input in any encoding is decoded to UTF-8 first; offsets are bytes of\n"
    "the decoded text.\n"
    "\n"
    "  --format FMT     tsv (default), json (JSON Lines, one mention per\n"
    "                   line), inline (the text, each mention followed by\n"
    "                   \xe2\x9f\xa6LANG: equivalent\xe2\x9f\xa7), html (one "
    "self-contained page)\n"
    "  --to LANG        language of the equivalents: vi (default for French\n"
    "                   text), en, fr\n"
    "  --from LANG      language of the text (default fr)\n"
    "  --levels LIST    comma-separated match levels to report: exact, case,\n"
    "                   diacritics, translit, inflection (default: all)\n"
    "  --all            every mention, overlapping ones too (tsv and json)\n"
    "  --jsonl          input is JSON Lines, one document per line,\n"
    "                   {\"id\": ..., \"text\": \"...\"}; output is one line per\n"
    "                   document: {\"id\": ..., \"mentions\": [...]}\n"
    "                   (--format inline gives {\"id\": ..., \"inline\": ...})\n"
    "  --encoding NAME  the input's encoding (default: detected)\n"
    "  --title TEXT     title of the HTML page (default: the file name)\n"
    "  --db PATH        the glossary (default: $GLOSSALIGN_DB, else the\n"
    "                   default glossary)\n"
    "  --no-cache       compile the glossary in memory; neither read nor\n"
    "                   write its cache file (PATH.match)\n"
    "  --no-partial     do not report partial mentions of people\n"
    "  -h, --help       show this help\n"
    "\n"
    "TSV columns: start, end, surface, entry, kind, level, score, flags,\n"
    "canonical, target. Flags: glued (words glued in the copy were cut),\n"
    "deprecated (the term matched is deprecated), ambiguous (several\n"
    "concepts share the span; alternatives in JSON), overlap (--all),\n"
    "partial (see below).\n"
    "\n"
    "Partial mentions: once a person is named in full (\"le g\xc3\xa9n\xc3\xa9ral "
    "Phan\n"
    "Van Giang\"), a later title followed by the given name (\"le g\xc3\xa9n\xc3\xa9ral\n"
    "Giang\") or, for a foreign person, the surname, is reported on the\n"
    "name words with level partial, score 0.70 and flag partial (inline:\n"
    "\xe2\x9f\xa6LANG (partial): equivalent\xe2\x9f\xa7). A family name alone is never\n"
    "resolved; the people named carry over the chunks of one input and\n"
    "are forgotten between --jsonl documents. Only the rank titles and the\n"
    "people a document names are loaded for them. --levels does not\n"
    "filter them; --no-partial turns them off.\n"
    "docs/MATCHING.md explains levels and scores, docs/NAMES.md partial\n"
    "mentions.\n"
    "Exit codes: 0 ok, 2 usage, 3 bad input, 4 database, 5 I/O.\n";

enum { FMT_TSV, FMT_JSON, FMT_INLINE, FMT_HTML };

/* ---- buffered output ---------------------------------------------------- */

typedef struct out {
    gla_buf b;     /* pending bytes */
    int failed;    /* a write failed */
    int is_stdout; /* flush to stdout as it fills; else only collect */
} out;

static void out_flush(out *o)
{
    if (o->b.len && fwrite(o->b.data, 1, o->b.len, stdout) != o->b.len)
        o->failed = 1;
    o->b.len = 0;
}

static void out_put(out *o, const char *s, size_t n)
{
    if (o->b.len + n < o->b.cap) { /* the common case, kept cheap */
        char *d = o->b.data + o->b.len;
        if (n <= 16) {
            for (size_t i = 0; i < n; i++)
                d[i] = s[i];
        } else {
            memcpy(d, s, n);
        }
        o->b.len += n;
    } else if (gla_buf_put(&o->b, s, n) != GLA_OK) {
        o->failed = 1;
    }
    if (o->b.len >= 1u << 16 && o->is_stdout)
        out_flush(o);
}

static void out_str(out *o, const char *s)
{
    out_put(o, s, strlen(s));
}

static void out_uint(out *o, size_t v)
{
    char b[24];
    size_t i = sizeof b;
    do {
        b[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    out_put(o, b + i, sizeof b - i);
}

/* A score in [0, 1] with two decimals, as "%.2f" would print it. */
static void out_score(out *o, double s)
{
    unsigned c = s <= 0 ? 0 : s >= 1 ? 100 : (unsigned)(s * 100 + 0.5);
    char b[4] = {(char)('0' + c / 100), '.', (char)('0' + c / 10 % 10),
                 (char)('0' + c % 10)};
    out_put(o, b, 4);
}

static void out_fmt(out *o, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

#include <stdarg.h>
static void out_fmt(out *o, const char *fmt, ...)
{
    char tmp[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0)
        out_put(o, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* Bytes a TSV field escapes. */
static const unsigned char tsv_special[256] = {
    ['\t'] = 1, ['\n'] = 1, ['\r'] = 1, ['\\'] = 1};

/* A TSV field: tab, newline, CR and backslash escaped (TSV-FORMAT.md). */
static void out_tsv(out *o, const char *s, size_t n)
{
    size_t a = 0, i = 0;
    /* Eight bytes at a time while none is below 0x0e or a backslash (the
     * test is exact for the eight bytes as a whole). */
    while (i + 8 <= n) {
        uint64_t x, y;
        memcpy(&x, s + i, 8);
        y = x ^ 0x5c5c5c5c5c5c5c5cull;
        if ((((x - 0x0e0e0e0e0e0e0e0eull) & ~x) |
             ((y - 0x0101010101010101ull) & ~y)) &
            0x8080808080808080ull)
            break;
        i += 8;
    }
    for (; i < n; i++) {
        if (!tsv_special[(unsigned char)s[i]])
            continue;
        const char *rep = NULL;
        switch (s[i]) {
        case '\t': rep = "\\t"; break;
        case '\n': rep = "\\n"; break;
        case '\r': rep = "\\r"; break;
        case '\\': rep = "\\\\"; break;
        default: continue;
        }
        out_put(o, s + a, i - a);
        out_str(o, rep);
        a = i + 1;
    }
    out_put(o, s + a, n - a);
}

/* A JSON string with its quotes. Bytes that are not UTF-8 cannot occur in
 * decoded text; in --jsonl text they become U+FFFD. */
static void out_json(out *o, const char *s, size_t n)
{
    out_put(o, "\"", 1);
    size_t a = 0;
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < n;) {
        unsigned c = u[i];
        char esc[8];
        const char *rep = NULL;
        size_t skip = 1;
        if (c >= 0x80) {
            size_t k = c >= 0xF0 && c < 0xF5 ? 4 : c >= 0xE0 ? 3
                                                 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
            int ok = k && i + k <= n && c < 0xF5;
            for (size_t j = 1; ok && j < k; j++)
                ok = (u[i + j] & 0xC0) == 0x80;
            if (ok) {
                i += k;
                continue;
            }
            rep = "\xEF\xBF\xBD";
        } else if (!(rep = gla_json_escape((unsigned char)c, esc))) {
            i++;
            continue;
        }
        out_put(o, s + a, i - a);
        out_str(o, rep);
        i += skip;
        a = i;
    }
    out_put(o, s + a, n - a);
    out_put(o, "\"", 1);
}

static void out_jsonz(out *o, const char *s)
{
    if (!s)
        out_str(o, "null");
    else
        out_json(o, s, strlen(s));
}

/* HTML text: & < > " escaped. */
static void out_html(out *o, const char *s, size_t n)
{
    size_t a = 0;
    for (size_t i = 0; i < n; i++) {
        const char *rep = NULL;
        switch (s[i]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        default: continue;
        }
        out_put(o, s + a, i - a);
        out_str(o, rep);
        a = i + 1;
    }
    out_put(o, s + a, n - a);
}

/* ---- the run ------------------------------------------------------------ */

/* A partial mention ("le général Giang" after "le général Phan Van
 * Giang") is reported with this level, one past the matcher's levels, and
 * this flag, above the matcher's flags. */
#define LEVEL_PARTIAL ((gla_match_level)GLA_MATCH_LEVEL_COUNT)
#define FLAG_PARTIAL 0x80000000u
/* Alternatives kept for a mention held back between feeds. */
#define MAX_ALT 8

static const char *level_name(gla_match_level l)
{
    return l == LEVEL_PARTIAL ? GLA_PARTIAL_LEVEL_NAME
                              : gla_match_level_name(l);
}

/* A mention waiting to be written, its alternatives copied. */
typedef struct pend {
    gla_mention m;          /* the mention; surface is set when written */
    uint32_t alt[MAX_ALT];  /* its alternatives */
} pend;

/* One concept met in the document (HTML). */
typedef struct seen {
    uint32_t entry; /* concept index in the matcher */
    size_t count;   /* mentions */
} seen;

typedef struct ann {
    int format;              /* FMT_* */
    const char *to;          /* target language */
    gla_db *db;              /* the store (HTML details) */
    gla_matcher *m;          /* compiled glossary */
    gla_scanner *s;          /* the scanner */
    out o;                   /* stdout */
    gla_buf tmp;             /* scratch */
    size_t printed;          /* inline/html: text written up to here */
    size_t n_mentions;       /* in the current document */
    int first_in_doc;        /* jsonl: no mention written yet */
    int jsonl;               /* --jsonl */
    const char *doc_id;      /* jsonl: the raw JSON id of the document */
    size_t doc_id_len;       /* its length */
    /* the document text still needed, bytes [win_base, win_base + len) */
    gla_buf win;             /* that text */
    size_t win_base;         /* its document offset */
    pend *pend;              /* mentions taken, not yet written */
    size_t n_pend, cap_pend; /* used, allocated */
    pend *hits;              /* partial mentions of the current stretch */
    size_t n_hits, cap_hits; /* used, allocated */
    size_t done;             /* mentions written up to this offset */
    size_t max_end;          /* end of the last mention written */
    /* partial mentions */
    int partial;             /* looked for (not --no-partial, not failed) */
    gla_partial *pm;         /* the people named so far, and the finder */
    gla_mention *pms;        /* the mentions of a stretch, for it */
    size_t cap_pms;          /* allocated */
    /* HTML: concepts by first appearance, and an index over them */
    seen *seen;              /* concepts met */
    size_t n_seen, cap_seen; /* used, allocated */
    uint32_t *slot;          /* entry + 1 -> seen index + 1 */
    size_t slot_mask;        /* slots - 1 */
    /* equivalents already looked up: entry + 1, offset and length in
     * tcache_text, direct-mapped */
    uint32_t tcache[8192][3];
    gla_buf tcache_text;     /* their text */
    /* TSV: the escaped "ref<TAB>kind" and "canonical<TAB>target" of
     * concepts already written, direct-mapped likewise */
    uint32_t rcache[8192][5];
    gla_buf rcache_text;     /* their text */
} ann;

static size_t seen_index(ann *a, uint32_t entry)
{
    if (!a->slot) {
        a->slot_mask = 1023;
        a->slot = calloc(a->slot_mask + 1, 2 * sizeof *a->slot);
        if (!a->slot)
            return SIZE_MAX;
    }
    size_t j = (entry * 2654435761u) & a->slot_mask;
    while (a->slot[2 * j]) {
        if (a->slot[2 * j] == entry + 1)
            return a->slot[2 * j + 1] - 1;
        j = (j + 1) & a->slot_mask;
    }
    if (a->n_seen == a->cap_seen) {
        size_t cap = a->cap_seen ? a->cap_seen * 2 : 64;
        seen *p = realloc(a->seen, cap * sizeof *p);
        if (!p)
            return SIZE_MAX;
        a->seen = p;
        a->cap_seen = cap;
    }
    if ((a->n_seen + 1) * 2 > a->slot_mask + 1) {
        size_t ns = (a->slot_mask + 1) * 2;
        uint32_t *slot = calloc(ns, 2 * sizeof *slot);
        if (!slot)
            return SIZE_MAX;
        for (size_t i = 0; i < a->n_seen; i++) {
            size_t k = (a->seen[i].entry * 2654435761u) & (ns - 1);
            while (slot[2 * k])
                k = (k + 1) & (ns - 1);
            slot[2 * k] = a->seen[i].entry + 1;
            slot[2 * k + 1] = (uint32_t)i + 1;
        }
        free(a->slot);
        a->slot = slot;
        a->slot_mask = ns - 1;
        j = (entry * 2654435761u) & a->slot_mask;
        while (a->slot[2 * j])
            j = (j + 1) & a->slot_mask;
    }
    a->seen[a->n_seen] = (seen){entry, 0};
    a->slot[2 * j] = entry + 1;
    a->slot[2 * j + 1] = (uint32_t)(a->n_seen + 1);
    return a->n_seen++;
}

/* The equivalents of a concept, " | "-separated; valid until the next
 * call. */
static const char *targets(ann *a, uint32_t entry)
{
    uint32_t *c = a->tcache[entry % 8192];
    if (c[0] == entry + 1)
        return a->tcache_text.data + c[1];
    if (a->tcache_text.len > (1u << 20)) {
        memset(a->tcache, 0, sizeof a->tcache);
        gla_buf_clear(&a->tcache_text);
    }
    size_t at = a->tcache_text.len;
    if (gla_matcher_targets(&a->tcache_text, a->m, entry, a->to) != GLA_OK ||
        gla_buf_put(&a->tcache_text, "", 1) != GLA_OK) {
        a->o.failed = 1;
        return "";
    }
    c[0] = entry + 1;
    c[1] = (uint32_t)at;
    c[2] = (uint32_t)(a->tcache_text.len - at - 1);
    return a->tcache_text.data + at;
}

/* The TSV columns of a concept, escaped once: *mid is "ref<TAB>kind",
 * *tail "canonical<TAB>target". */
static void tsv_parts(ann *a, uint32_t entry, const char **mid, size_t *nmid,
                      const char **tail, size_t *ntail)
{
    uint32_t *c = a->rcache[entry % 8192];
    if (c[0] != entry + 1) {
        if (a->rcache_text.len > (1u << 22)) {
            memset(a->rcache, 0, sizeof a->rcache);
            a->rcache_text.len = 0;
        }
        gla_match_entry e;
        gla_matcher_entry(&e, a->m, entry);
        const char *t = targets(a, entry);
        out sub = {a->rcache_text, 0, 0};
        size_t at = sub.b.len;
        out_tsv(&sub, e.ref, strlen(e.ref));
        out_put(&sub, "\t", 1);
        out_str(&sub, gla_kind_name(e.kind));
        size_t at2 = sub.b.len;
        out_tsv(&sub, e.canonical, strlen(e.canonical));
        out_put(&sub, "\t", 1);
        out_tsv(&sub, t, strlen(t));
        a->rcache_text = sub.b;
        if (sub.failed) {
            a->o.failed = 1;
            *mid = *tail = "";
            *nmid = *ntail = 0;
            return;
        }
        c[0] = entry + 1;
        c[1] = (uint32_t)at;
        c[2] = (uint32_t)(at2 - at);
        c[3] = (uint32_t)at2;
        c[4] = (uint32_t)(sub.b.len - at2);
    }
    *mid = a->rcache_text.data + c[1];
    *nmid = c[2];
    *tail = a->rcache_text.data + c[3];
    *ntail = c[4];
}

static void write_tsv(ann *a, const gla_mention *mt)
{
    const char *mid, *tail;
    size_t nmid, ntail;
    tsv_parts(a, mt->entry, &mid, &nmid, &tail, &ntail);
    if (a->jsonl) {
        out_put(&a->o, a->doc_id, a->doc_id_len);
        out_put(&a->o, "\t", 1);
    }
    out_uint(&a->o, mt->span.start);
    out_put(&a->o, "\t", 1);
    out_uint(&a->o, mt->span.end);
    out_put(&a->o, "\t", 1);
    out_tsv(&a->o, mt->surface, mt->span.end - mt->span.start);
    out_put(&a->o, "\t", 1);
    out_put(&a->o, mid, nmid);
    out_put(&a->o, "\t", 1);
    out_str(&a->o, level_name(mt->level));
    out_put(&a->o, "\t", 1);
    out_score(&a->o, mt->score);
    out_put(&a->o, "\t", 1);
    if (mt->flags) {
        gla_buf_clear(&a->tmp);
        gla_mention_flags_to_buf(&a->tmp, mt->flags & ~FLAG_PARTIAL);
        if (mt->flags & FLAG_PARTIAL)
            gla_buf_printf(&a->tmp, "%spartial", a->tmp.len ? "," : "");
        out_put(&a->o, a->tmp.data ? a->tmp.data : "", a->tmp.len);
    }
    out_put(&a->o, "\t", 1);
    out_put(&a->o, tail, ntail);
    out_put(&a->o, "\n", 1);
}

static void write_json(ann *a, const gla_mention *mt)
{
    gla_match_entry e;
    gla_matcher_entry(&e, a->m, mt->entry);
    out_fmt(&a->o, "{\"start\":%zu,\"end\":%zu,\"surface\":", mt->span.start,
            mt->span.end);
    out_json(&a->o, mt->surface, mt->span.end - mt->span.start);
    out_str(&a->o, ",\"entry\":");
    out_jsonz(&a->o, e.ref);
    out_fmt(&a->o, ",\"kind\":\"%s\",\"level\":\"%s\",\"score\":%.2f,"
                   "\"flags\":[",
            gla_kind_name(e.kind), level_name(mt->level), mt->score);
    static const struct {
        unsigned bit;
        const char *name;
    } flags[] = {{GLA_MENTION_GLUED, "glued"},
                 {GLA_MENTION_DEPRECATED, "deprecated"},
                 {GLA_MENTION_AMBIGUOUS, "ambiguous"},
                 {GLA_MENTION_OVERLAP, "overlap"},
                 {FLAG_PARTIAL, "partial"}};
    int first = 1;
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        if (!(mt->flags & flags[i].bit))
            continue;
        out_fmt(&a->o, "%s\"%s\"", first ? "" : ",", flags[i].name);
        first = 0;
    }
    out_str(&a->o, "],\"canonical\":");
    out_jsonz(&a->o, e.canonical);
    out_fmt(&a->o, ",\"target\":{\"lang\":\"%s\",\"terms\":[", a->to);
    const char *t = targets(a, mt->entry);
    for (const char *p = t; *p;) {
        const char *q = strstr(p, " | ");
        size_t n = q ? (size_t)(q - p) : strlen(p);
        if (p != t)
            out_put(&a->o, ",", 1);
        out_json(&a->o, p, n);
        p += n;
        if (q)
            p += 3;
    }
    out_str(&a->o, "]},\"alternatives\":[");
    for (size_t i = 0; i < mt->n_alt; i++) {
        gla_match_entry ae;
        if (i)
            out_put(&a->o, ",", 1);
        if (gla_matcher_entry(&ae, a->m, mt->alt[i]) == GLA_OK)
            out_jsonz(&a->o, ae.ref);
        else
            out_str(&a->o, "null");
    }
    out_str(&a->o, "]}");
}

/* Text [a->printed, to) of the document, as the format writes text. */
static int write_text_to(ann *a, size_t to)
{
    if (to <= a->printed)
        return GLA_OK;
    if (a->printed < a->win_base || to > a->win_base + a->win.len)
        return GLA_EINTERNAL;
    const char *p = a->win.data + (a->printed - a->win_base);
    if (a->format == FMT_HTML)
        out_html(&a->o, p, to - a->printed);
    else if (a->jsonl) {
        /* inside a JSON string: escape without the quotes */
        gla_buf_clear(&a->tmp);
        out sub = {a->tmp, 0, 0};
        out_json(&sub, p, to - a->printed);
        a->tmp = sub.b;
        out_put(&a->o, a->tmp.data + 1, a->tmp.len - 2);
    } else
        out_put(&a->o, p, to - a->printed);
    a->printed = to;
    return GLA_OK;
}

static void write_inline(ann *a, const gla_mention *mt)
{
    gla_match_entry e;
    gla_matcher_entry(&e, a->m, mt->entry);
    const char *t = targets(a, mt->entry);
    gla_buf mark = GLA_BUF_INIT;
    gla_buf_put(&mark, mt->surface, mt->span.end - mt->span.start);
    const char *pm = (mt->flags & FLAG_PARTIAL) ? " (partial)" : "";
    if (*t)
        gla_buf_printf(&mark, "\xe2\x9f\xa6%s%s: %s\xe2\x9f\xa7", a->to, pm,
                       t);
    else
        gla_buf_printf(&mark, "\xe2\x9f\xa6%s%s\xe2\x9f\xa7", e.ref, pm);
    if (a->jsonl) {
        gla_buf_clear(&a->tmp);
        out sub = {a->tmp, 0, 0};
        out_json(&sub, mark.data, mark.len);
        a->tmp = sub.b;
        out_put(&a->o, a->tmp.data + 1, a->tmp.len - 2);
    } else {
        out_put(&a->o, mark.data, mark.len);
    }
    gla_buf_dispose(&mark);
}

static const char *kind_class(gla_kind k)
{
    return gla_kind_name(k);
}

static void write_html_mark(ann *a, const gla_mention *mt)
{
    gla_match_entry e;
    gla_matcher_entry(&e, a->m, mt->entry);
    size_t i = seen_index(a, mt->entry);
    if (i == SIZE_MAX) {
        a->o.failed = 1;
        return;
    }
    a->seen[i].count++;
    out_fmt(&a->o, "<mark class=\"m k-%s lv-%s%s%s%s\" data-i=\"%zu\" ",
            kind_class(e.kind), level_name(mt->level),
            (mt->flags & GLA_MENTION_GLUED) ? " glued" : "",
            (mt->flags & GLA_MENTION_AMBIGUOUS) ? " ambiguous" : "",
            (mt->flags & FLAG_PARTIAL) ? " partial" : "", i);
    if (mt->n_alt) {
        /* the other concepts of an ambiguous span, for the panel */
        out_str(&a->o, "data-alt=\"");
        for (size_t k = 0; k < mt->n_alt; k++) {
            size_t j = seen_index(a, mt->alt[k]);
            if (j == SIZE_MAX) {
                a->o.failed = 1;
                return;
            }
            out_fmt(&a->o, "%s%zu", k ? "," : "", j);
        }
        out_str(&a->o, "\" ");
    }
    out_str(&a->o, "tabindex=\"0\" title=\"");
    out_html(&a->o, e.canonical, strlen(e.canonical));
    const char *t = targets(a, mt->entry);
    if (*t) {
        out_fmt(&a->o, " \xe2\x86\x92 %s: ", a->to);
        out_html(&a->o, t, strlen(t));
    }
    out_str(&a->o, "\">");
    out_html(&a->o, mt->surface, mt->span.end - mt->span.start);
    out_str(&a->o, "</mark>");
}

/* Write one mention in the output format. */
static int emit(ann *a, pend *p)
{
    gla_mention *mt = &p->m;
    if (mt->span.start < a->win_base ||
        mt->span.end > a->win_base + a->win.len)
        return GLA_EINTERNAL;
    mt->surface = a->win.data + (mt->span.start - a->win_base);
    mt->alt = p->alt;
    a->n_mentions++;
    if (mt->span.end > a->max_end)
        a->max_end = mt->span.end;
    switch (a->format) {
    case FMT_TSV: write_tsv(a, mt); break;
    case FMT_JSON:
        if (a->jsonl) {
            if (!a->first_in_doc)
                out_put(&a->o, ",", 1);
            a->first_in_doc = 0;
        }
        write_json(a, mt);
        if (!a->jsonl)
            out_put(&a->o, "\n", 1);
        break;
    case FMT_INLINE:
    case FMT_HTML:
        if (mt->span.start < a->printed)
            break; /* cannot happen without --all */
        if (write_text_to(a, mt->span.start) != GLA_OK)
            return GLA_EINTERNAL;
        if (a->format == FMT_INLINE)
            write_inline(a, mt);
        else
            write_html_mark(a, mt);
        a->printed = mt->span.end;
        break;
    default: break;
    }
    return GLA_OK;
}

static int pend_push(pend **v, size_t *n, size_t *cap, const gla_mention *m)
{
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 64;
        pend *p = realloc(*v, c * sizeof *p);
        if (!p)
            return GLA_ENOMEM;
        *v = p;
        *cap = c;
    }
    pend *p = &(*v)[(*n)++];
    p->m = *m;
    p->m.surface = NULL;
    p->m.n_alt = m->n_alt < MAX_ALT ? m->n_alt : MAX_ALT;
    for (size_t i = 0; i < p->m.n_alt; i++)
        p->alt[i] = m->alt[i];
    p->m.alt = NULL;
    return GLA_OK;
}

/* Partial mentions in the document bytes [done, cut), which the window
 * holds, given the first `np` mentions taken (those that start there):
 * each becomes a pending mention of level partial, unless it starts
 * before a mention already written. */
static int partial_find(ann *a, size_t cut, size_t np)
{
    if (!a->pm) {
        int rc = gla_partial_new(&a->pm, a->m);
        if (rc != GLA_OK)
            return rc;
    }
    if (np > a->cap_pms) {
        gla_mention *v = realloc(a->pms, np * sizeof *v);
        if (!v)
            return GLA_ENOMEM;
        a->pms = v;
        a->cap_pms = np;
    }
    for (size_t i = 0; i < np; i++)
        a->pms[i] = a->pend[i].m;
    size_t off = a->done - a->win_base;
    int rc = gla_partial_feed(a->pm, a->win.data + off, cut - a->done,
                              a->win.len - off, a->done, a->pms, np);
    if (rc == GLA_ENOMEM)
        return rc;
    if (rc != GLA_OK) {
        cli_warn("partial mentions of people are not reported: %s",
                 gla_partial_errmsg(a->pm));
        a->partial = 0;
        return GLA_OK;
    }
    size_t n = 0;
    const gla_partial_hit *h = gla_partial_hits(a->pm, &n);
    for (size_t i = 0; i < n && rc == GLA_OK; i++) {
        if (h[i].span.start < a->max_end)
            continue;
        gla_mention m;
        memset(&m, 0, sizeof m);
        m.span = h[i].span;
        m.entry = h[i].entry;
        m.n_alt = h[i].n_alt;
        m.alt = h[i].alt;
        m.level = LEVEL_PARTIAL;
        m.score = h[i].score;
        m.flags = FLAG_PARTIAL | (h[i].ambiguous ? GLA_MENTION_AMBIGUOUS : 0u);
        rc = pend_push(&a->hits, &a->n_hits, &a->cap_hits, &m);
    }
    return rc;
}

/* Where the text up to `settled` may be cut without splitting a
 * "title Name" run: after the last line break or full stop past `from`;
 * `from` itself when there is none. */
static size_t sentence_cut(const ann *a, size_t from, size_t settled)
{
    const char *t = a->win.data;
    for (size_t i = settled; i > from; i--) {
        char c = t[i - 1 - a->win_base];
        if (c == '\n' || ((c == '.' || c == '!' || c == '?') && i < settled &&
                          t[i - a->win_base] == ' '))
            return i;
    }
    return from;
}

/* Take the mentions settled so far; write those before the point where
 * the text may be cut, with the partial mentions found up to it, and the
 * text up to it for the text formats. With `last` the document ends. */
static int drain(ann *a, int last)
{
    gla_mention mt;
    int rc;
    while (gla_scanner_next(&mt, a->s) == GLA_OK)
        if ((rc = pend_push(&a->pend, &a->n_pend, &a->cap_pend, &mt)) !=
            GLA_OK)
            return rc;
    size_t settled = gla_scanner_settled(a->s);
    if (settled < a->done)
        settled = a->done;
    size_t cut = settled;
    if (a->partial && !last) {
        cut = sentence_cut(a, a->done, settled);
        if (cut == a->done && settled - a->done > (1u << 20))
            cut = settled; /* no sentence ends: do not hold text forever */
    }
    size_t np = 0;
    while (np < a->n_pend && a->pend[np].m.span.start < cut)
        np++;
    a->n_hits = 0;
    if (a->partial && (rc = partial_find(a, cut, np)) != GLA_OK)
        return rc;
    /* Both lists are in order of start: merge them. */
    size_t i = 0, k = 0;
    while (i < np || k < a->n_hits) {
        pend *p;
        if (k == a->n_hits || (i < np && a->pend[i].m.span.start <=
                                             a->hits[k].m.span.start))
            p = &a->pend[i++];
        else
            p = &a->hits[k++];
        if ((rc = emit(a, p)) != GLA_OK)
            return rc;
    }
    if (np) {
        memmove(a->pend, a->pend + np, (a->n_pend - np) * sizeof *a->pend);
        a->n_pend -= np;
    }
    a->done = cut;
    if (a->format == FMT_INLINE || a->format == FMT_HTML) {
        if ((rc = write_text_to(a, cut)) != GLA_OK)
            return rc;
    }
    /* Drop the text nothing needs any more. */
    size_t keep = cut;
    if ((a->format == FMT_INLINE || a->format == FMT_HTML) && a->printed < keep)
        keep = a->printed;
    if (a->n_pend && a->pend[0].m.span.start < keep)
        keep = a->pend[0].m.span.start;
    size_t drop = keep > a->win_base ? keep - a->win_base : 0;
    if (drop > a->win.len)
        drop = a->win.len;
    if (drop && (drop == a->win.len || drop >= (1u << 16))) {
        memmove(a->win.data, a->win.data + drop, a->win.len - drop);
        a->win.len -= drop;
        a->win_base += drop;
    }
    return GLA_OK;
}

/* Feed `len` bytes of the document and write what settles. */
static int feed(ann *a, const char *text, size_t len, int last)
{
    if (len && gla_buf_put(&a->win, text, len) != GLA_OK)
        return GLA_ENOMEM;
    int rc = gla_scanner_feed(a->s, text ? text : "", len, last);
    if (rc == GLA_OK)
        rc = drain(a, last);
    return rc;
}

/* A new document begins (--jsonl). */
static void doc_reset(ann *a)
{
    gla_scanner_reset(a->s);
    gla_partial_reset(a->pm);
    a->win.len = 0;
    a->win_base = 0;
    a->n_pend = 0;
    a->n_hits = 0;
    a->done = 0;
    a->max_end = 0;
    a->printed = 0;
}

/* ---- HTML page ----------------------------------------------------------- */

static const char html_css[] =
    "body{font:15px/1.55 system-ui,sans-serif;margin:0;color:#1d2430;"
    "background:#f6f7f9}\n"
    "header{padding:12px 20px;background:#1d2b3a;color:#fff}\n"
    "header h1{font-size:17px;margin:0}\n"
    "header p{margin:4px 0 0;opacity:.85;font-size:13px}\n"
    ".legend span{display:inline-block;margin:6px 8px 0 0;padding:0 6px;"
    "border-radius:3px;font-size:12px;color:#1d2430}\n"
    "main{display:flex;gap:16px;padding:16px 20px;align-items:flex-start}\n"
    "#doc{flex:1;background:#fff;padding:16px 20px;border-radius:6px;"
    "white-space:pre-wrap;box-shadow:0 1px 3px #0002;min-width:0}\n"
    "#panel{width:340px;position:sticky;top:12px;background:#fff;"
    "padding:12px 14px;border-radius:6px;box-shadow:0 1px 3px #0003;"
    "font-size:13px}\n"
    "#panel h2{font-size:15px;margin:0 0 4px}\n"
    "#panel .ref{color:#667;font-family:monospace;font-size:12px}\n"
    "#panel table{border-collapse:collapse;width:100%;margin-top:8px}\n"
    "#panel td{border-top:1px solid #e3e6ea;padding:3px 4px;"
    "vertical-align:top}\n"
    "#panel .st-preferred td:nth-child(2){font-weight:600}\n"
    "#panel small{color:#556}\n"
    "#panel .alt{color:#8a4b00}\n"
    "#panel .st-deprecated,#panel .st-forbidden,#panel .st-superseded{"
    "text-decoration:line-through;color:#a33}\n"
    "mark.m{border-radius:3px;padding:0 1px;cursor:pointer;"
    "color:inherit}\n"
    "mark.m.selected{outline:2px solid #1d2b3a}\n"
    "mark.glued{border-bottom:2px dotted #c00}\n"
    "mark.ambiguous{border-bottom:2px dashed #b60}\n"
    "mark.partial{outline:1px dashed #557}\n"
    ".k-person{background:#ffd9a8}.k-place{background:#b9e8c4}\n"
    ".k-organization{background:#c6dbff}.k-rank{background:#e9d1ff}\n"
    ".k-unit{background:#ffd1e1}.k-event{background:#fff1a1}\n"
    ".k-term{background:#d4f1f4}.k-acronym{background:#e2e2e2}\n"
    "section{padding:0 20px 24px}\n"
    "section h2{font-size:16px}\n"
    "#concepts{border-collapse:collapse;background:#fff;width:100%;"
    "font-size:13px}\n"
    "#concepts th,#concepts td{border-bottom:1px solid #e3e6ea;"
    "padding:4px 8px;text-align:left}\n"
    "#concepts tbody tr{cursor:pointer}\n"
    "#concepts tbody tr:hover{background:#eef3fb}\n"
    "#concepts td.n{text-align:right}\n";

/* The panel and the table: plain DOM code, no library, no network. */
static const char html_js[] =
    "(function(){\n"
    "var C=JSON.parse(document.getElementById('concepts-data').textContent);\n"
    "var panel=document.getElementById('panel'),sel=null;\n"
    "function esc(s){return String(s==null?'':s).replace(/[&<>\"]/g,"
    "function(c){return{'&':'&amp;','<':'&lt;','>':'&gt;','\"':'&quot;'}"
    "[c];});}\n"
    "function show(i,el){var c=C[i];if(!c)return;\n"
    " var h='<h2>'+esc(c.canonical)+'</h2><div class=\"ref\">'+esc(c.entry)"
    "+' \\u00b7 '+esc(c.kind)+' \\u00b7 '+c.count+' mention'+(c.count>1?'s':'')"
    "+'</div>';\n"
    " if(c.definition)h+='<p class=\"def\">'+esc(c.definition)+'</p>';\n"
    " if(c.note)h+='<p class=\"note\">'+esc(c.note)+'</p>';\n"
    " h+='<table class=\"terms\">';\n"
    " c.terms.forEach(function(t){h+='<tr class=\"term st-'+esc(t.status)+"
    "'\"><td>'+esc(t.lang)+'</td><td>'+esc(t.text)+'</td><td>'+esc(t.status)"
    "+(t.type!=='fullForm'?', '+esc(t.type):'')+(t.note?'<br><small>'+"
    "esc(t.note)+'</small>':'')+'</td></tr>';});\n"
    " var alt=el&&el.getAttribute('data-alt'),ap='';\n"
    " if(alt)ap='<p class=\"alt\">Ambiguous here; also: '+alt.split(',')"
    ".map(function(j){var o=C[+j];return o?esc(o.canonical)+' <span class="
    "\"ref\">('+esc(o.entry)+')</span>':'';}).join(', ')+'</p>';\n"
    " panel.innerHTML=h+'</table>'+ap;panel.hidden=false;"
    "panel.setAttribute('data-entry',c.entry);\n"
    " if(sel)sel.classList.remove('selected');sel=el||null;"
    "if(sel)sel.classList.add('selected');}\n"
    "var doc=document.getElementById('doc');\n"
    "function pick(e){var m=e.target.closest&&e.target.closest('mark.m');"
    "if(m)show(+m.getAttribute('data-i'),m);}\n"
    "doc.addEventListener('click',pick);doc.addEventListener('mouseover',"
    "pick);doc.addEventListener('focusin',pick);\n"
    "Array.prototype.forEach.call(document.querySelectorAll('#concepts "
    "tbody tr'),function(r){r.addEventListener('click',function(){"
    "var i=+r.getAttribute('data-i');var m=doc.querySelector('mark[data-i=\"'"
    "+i+'\"]');show(i,m);if(m)m.scrollIntoView({block:'center'});});});\n"
    "var h=/^#select=(.+)$/.exec(location.hash);\n"
    "if(h){var ref=decodeURIComponent(h[1]);for(var i=0;i<C.length;i++)"
    "if(C[i].entry===ref){show(i,doc.querySelector('mark[data-i=\"'+i+'\"]'));"
    "break;}}\n"
    "document.body.setAttribute('data-ready','1');\n"
    "})();\n";

static void html_head(ann *a, const char *title)
{
    out_str(&a->o, "<!DOCTYPE html>\n<html lang=\"");
    out_html(&a->o, gla_matcher_source_lang(a->m),
             strlen(gla_matcher_source_lang(a->m)));
    out_str(&a->o, "\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width\">\n"
                   "<title>");
    out_html(&a->o, title, strlen(title));
    out_str(&a->o, " \xe2\x80\x94 glossalign</title>\n<style>\n");
    out_str(&a->o, html_css);
    out_str(&a->o, "</style>\n</head>\n<body>\n<header><h1>");
    out_html(&a->o, title, strlen(title));
    out_str(&a->o, "</h1><div class=\"legend\">");
    static const gla_kind kinds[] = {
        GLA_KIND_PERSON, GLA_KIND_PLACE, GLA_KIND_ORGANIZATION, GLA_KIND_RANK,
        GLA_KIND_UNIT,   GLA_KIND_EVENT, GLA_KIND_TERM,         GLA_KIND_ACRONYM};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        out_fmt(&a->o, "<span class=\"k-%s\">%s</span>",
                kind_class(kinds[i]), gla_kind_name(kinds[i]));
    out_str(&a->o, "</div></header>\n<main>\n<article id=\"doc\">");
}

static void json_term(out *o, const gla_term *t, int first)
{
    out_str(o, first ? "{\"lang\":" : ",{\"lang\":");
    out_jsonz(o, t->lang);
    out_str(o, ",\"text\":");
    out_jsonz(o, t->text);
    out_fmt(o, ",\"status\":\"%s\",\"type\":\"%s\",\"note\":",
            gla_status_name(t->status), gla_type_name(t->type));
    out_jsonz(o, t->note);
    out_str(o, "}");
}

/* JSON inside <script>: "</" must not appear. */
static void out_script_json(out *dst, const gla_buf *b)
{
    size_t a = 0;
    for (size_t i = 0; i + 1 < b->len; i++) {
        if (b->data[i] == '<' && b->data[i + 1] == '/') {
            out_put(dst, b->data + a, i - a);
            out_str(dst, "<\\/");
            a = i + 2;
            i++;
        }
    }
    out_put(dst, b->data + a, b->len - a);
}

static int cmp_seen(const void *x, const void *y)
{
    const seen *p = x, *q = y;
    return p->count != q->count ? (p->count < q->count ? 1 : -1) : 0;
}

static void html_tail(ann *a)
{
    out_str(&a->o, "</article>\n<aside id=\"panel\" hidden></aside>\n"
                   "</main>\n<section>\n<h2>Concepts</h2>\n");
    size_t n_found = 0;
    for (size_t i = 0; i < a->n_seen; i++)
        n_found += a->seen[i].count > 0;
    out_fmt(&a->o, "<p>%zu mention%s of %zu concept%s.</p>\n", a->n_mentions,
            a->n_mentions == 1 ? "" : "s", n_found, n_found == 1 ? "" : "s");
    out_fmt(&a->o, "<table id=\"concepts\"><thead><tr><th>concept</th>"
                   "<th>kind</th><th>entry</th><th>%s</th><th>mentions</th>"
                   "</tr></thead><tbody>\n",
            a->to);
    /* the table by count, ties in order of appearance */
    seen *order = malloc((a->n_seen ? a->n_seen : 1) * sizeof *order);
    size_t *pos = malloc((a->n_seen ? a->n_seen : 1) * sizeof *pos);
    if (!order || !pos) {
        a->o.failed = 1;
        free(order);
        free(pos);
        return;
    }
    for (size_t i = 0; i < a->n_seen; i++) {
        order[i] = a->seen[i];
        order[i].count = a->seen[i].count * (a->n_seen + 1) +
                         (a->n_seen - i); /* stable by appearance */
    }
    qsort(order, a->n_seen, sizeof *order, cmp_seen);
    for (size_t r = 0; r < a->n_seen; r++) {
        size_t i = a->n_seen - order[r].count % (a->n_seen + 1);
        if (!a->seen[i].count)
            continue; /* only an alternative of an ambiguous mention */
        gla_match_entry e;
        gla_matcher_entry(&e, a->m, a->seen[i].entry);
        out_fmt(&a->o, "<tr class=\"k-%s\" data-i=\"%zu\"><td>",
                kind_class(e.kind), i);
        out_html(&a->o, e.canonical, strlen(e.canonical));
        out_fmt(&a->o, "</td><td>%s</td><td>", gla_kind_name(e.kind));
        out_html(&a->o, e.ref, strlen(e.ref));
        out_str(&a->o, "</td><td>");
        const char *t = targets(a, a->seen[i].entry);
        out_html(&a->o, t, strlen(t));
        out_fmt(&a->o, "</td><td class=\"n\">%zu</td></tr>\n",
                a->seen[i].count);
    }
    free(order);
    free(pos);
    out_str(&a->o, "</tbody></table>\n</section>\n"
                   "<script type=\"application/json\" id=\"concepts-data\">");
    /* Every concept with all its terms and notes, from the store. */
    out data = {GLA_BUF_INIT, 0, 0};
    out_str(&data, "[");
    for (size_t i = 0; i < a->n_seen; i++) {
        gla_match_entry me;
        gla_matcher_entry(&me, a->m, a->seen[i].entry);
        gla_entry *e = NULL;
        if (a->db && me.id)
            gla_db_entry_get(&e, a->db, me.id);
        out_str(&data, i ? ",\n{\"entry\":" : "{\"entry\":");
        out_jsonz(&data, me.ref);
        out_fmt(&data, ",\"kind\":\"%s\",\"canonical\":",
                gla_kind_name(me.kind));
        out_jsonz(&data, me.canonical);
        out_fmt(&data, ",\"count\":%zu,\"definition\":", a->seen[i].count);
        out_jsonz(&data, e ? e->definition : NULL);
        out_str(&data, ",\"note\":");
        out_jsonz(&data, e ? e->note : NULL);
        out_str(&data, ",\"terms\":[");
        if (e) {
            for (size_t k = 0; k < e->n_terms; k++)
                json_term(&data, &e->terms[k], k == 0);
        } else {
            for (size_t k = 0; k < me.n_terms; k++) {
                gla_match_term mt;
                gla_matcher_term(&mt, a->m, a->seen[i].entry, k);
                gla_term t;
                memset(&t, 0, sizeof t);
                t.lang = (char *)mt.lang;
                t.text = (char *)mt.text;
                t.status = mt.status;
                t.type = mt.type;
                json_term(&data, &t, k == 0);
            }
        }
        out_str(&data, "]}");
        gla_entry_free(e);
    }
    out_str(&data, "]");
    if (data.failed)
        a->o.failed = 1;
    out_script_json(&a->o, &data.b);
    gla_buf_dispose(&data.b);
    out_str(&a->o, "</script>\n<script>\n");
    out_str(&a->o, html_js);
    out_str(&a->o, "</script>\n</body>\n</html>\n");
}

/* ---- input --------------------------------------------------------------- */

static int annotate_stream(ann *a, FILE *f, const char *path,
                           const char *encoding)
{
    gla_decode_opts dopt = GLA_DECODE_OPTS_INIT;
    dopt.from = encoding;
    gla_decoder *d = NULL;
    int rc = gla_decoder_new(&d, &dopt);
    if (rc != GLA_OK) {
        if (d)
            cli_usage_error("annotate", "%s", gla_decoder_errmsg(d));
        else
            cli_error("out of memory");
        gla_decoder_free(d);
        return rc == GLA_ENOMEM ? CLI_IO : CLI_USAGE;
    }
    enum { CHUNK = 1 << 18 };
    char *in = malloc(CHUNK);
    gla_buf text = GLA_BUF_INIT;
    int code = CLI_OK, eof = 0;
    if (!in) {
        cli_error("out of memory");
        code = CLI_IO;
        eof = 1;
    }
    while (!eof) {
        size_t n = fread(in, 1, CHUNK, f);
        if (n < CHUNK) {
            if (ferror(f)) {
                cli_error("cannot read '%s'", cli_input_name(path));
                code = CLI_IO;
                break;
            }
            eof = 1;
        }
        gla_buf_clear(&text);
        rc = gla_decoder_feed(&text, d, in, n);
        if (rc == GLA_OK && eof)
            rc = gla_decoder_finish(&text, d);
        if (rc != GLA_OK) {
            cli_error("%s: %s", cli_input_name(path), gla_decoder_errmsg(d));
            code = rc == GLA_ENOMEM ? CLI_IO : CLI_INPUT;
            break;
        }
        rc = feed(a, text.data, text.len, eof);
        if (rc != GLA_OK) {
            cli_error("%s: %s", cli_input_name(path),
                      rc == GLA_ENOMEM ? "out of memory"
                                       : gla_scanner_errmsg(a->s));
            code = rc == GLA_ENOMEM ? CLI_IO : CLI_INPUT;
            break;
        }
        if (a->o.failed)
            break;
    }
    if (code == CLI_OK) {
        const gla_decode_info *info = gla_decoder_info(d);
        if (info->how == GLA_ENCODING_GUESSED)
            cli_note("%s: decoded as %s (guessed, confidence %.2f); use "
                     "--encoding to say otherwise",
                     cli_input_name(path), info->encoding, info->confidence);
        if (info->invalid)
            cli_warn("%s: %llu invalid byte%s replaced by U+FFFD (the first "
                     "at byte %llu)",
                     cli_input_name(path),
                     (unsigned long long)info->invalid_bytes,
                     info->invalid_bytes == 1 ? "" : "s",
                     (unsigned long long)info->first_invalid);
    }
    free(in);
    gla_buf_dispose(&text);
    gla_decoder_free(d);
    return code;
}

/* ---- JSON Lines input ----------------------------------------------------- */

typedef struct jparse {
    const char *s; /* the line */
    size_t n;      /* its length */
    size_t i;      /* position */
    const char *err; /* what went wrong */
} jparse;

static void jws(jparse *p)
{
    while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' ||
                           p->s[p->i] == '\r' || p->s[p->i] == '\n'))
        p->i++;
}

static int hex4(const char *s, unsigned *v)
{
    *v = 0;
    for (int k = 0; k < 4; k++) {
        char c = s[k];
        unsigned d = c >= '0' && c <= '9'   ? (unsigned)(c - '0')
                     : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                     : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
                                            : 16u;
        if (d > 15)
            return -1;
        *v = *v * 16 + d;
    }
    return 0;
}

static void put_utf8(gla_buf *b, unsigned c)
{
    char u[4];
    size_t n;
    if (c < 0x80) {
        u[0] = (char)c;
        n = 1;
    } else if (c < 0x800) {
        u[0] = (char)(0xC0 | (c >> 6));
        u[1] = (char)(0x80 | (c & 0x3F));
        n = 2;
    } else if (c < 0x10000) {
        u[0] = (char)(0xE0 | (c >> 12));
        u[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        u[2] = (char)(0x80 | (c & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (c >> 18));
        u[1] = (char)(0x80 | ((c >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((c >> 6) & 0x3F));
        u[3] = (char)(0x80 | (c & 0x3F));
        n = 4;
    }
    gla_buf_put(b, u, n);
}

/* A JSON string at p->i; its value goes to `val` unless NULL. */
static int jstring(jparse *p, gla_buf *val)
{
    if (p->i >= p->n || p->s[p->i] != '"') {
        p->err = "a string was expected";
        return -1;
    }
    p->i++;
    size_t a = p->i;
    while (p->i < p->n) {
        char c = p->s[p->i];
        if (c == '"') {
            if (val)
                gla_buf_put(val, p->s + a, p->i - a);
            p->i++;
            return 0;
        }
        if ((unsigned char)c < 0x20) {
            p->err = "a control character inside a string";
            return -1;
        }
        if (c != '\\') {
            p->i++;
            continue;
        }
        if (val)
            gla_buf_put(val, p->s + a, p->i - a);
        if (p->i + 1 >= p->n) {
            p->err = "an unfinished escape";
            return -1;
        }
        char e = p->s[p->i + 1];
        const char *simple = strchr("\"\\/bfnrt", e);
        if (simple && e) {
            static const char map[] = "\"\\/\b\f\n\r\t";
            if (val)
                gla_buf_put(val, &map[simple - "\"\\/bfnrt"], 1);
            p->i += 2;
        } else if (e == 'u') {
            unsigned v, w;
            if (p->i + 6 > p->n || hex4(p->s + p->i + 2, &v) != 0) {
                p->err = "a bad \\u escape";
                return -1;
            }
            p->i += 6;
            if (v >= 0xD800 && v < 0xDC00 && p->i + 6 <= p->n &&
                p->s[p->i] == '\\' && p->s[p->i + 1] == 'u' &&
                hex4(p->s + p->i + 2, &w) == 0 && w >= 0xDC00 &&
                w < 0xE000) {
                v = 0x10000 + ((v - 0xD800) << 10) + (w - 0xDC00);
                p->i += 6;
            } else if (v >= 0xD800 && v < 0xE000) {
                v = 0xFFFD; /* a lone surrogate */
            }
            if (val)
                put_utf8(val, v);
        } else {
            p->err = "an unknown escape";
            return -1;
        }
        a = p->i;
    }
    p->err = "an unterminated string";
    return -1;
}

/* Skip any JSON value. */
static int jskip(jparse *p, int depth)
{
    jws(p);
    if (p->i >= p->n) {
        p->err = "a value was expected";
        return -1;
    }
    if (depth > 64) {
        p->err = "nesting too deep";
        return -1;
    }
    char c = p->s[p->i];
    if (c == '"')
        return jstring(p, NULL);
    if (c == '{' || c == '[') {
        char close = c == '{' ? '}' : ']';
        p->i++;
        jws(p);
        if (p->i < p->n && p->s[p->i] == close) {
            p->i++;
            return 0;
        }
        for (;;) {
            if (c == '{') {
                jws(p);
                if (jstring(p, NULL) != 0)
                    return -1;
                jws(p);
                if (p->i >= p->n || p->s[p->i] != ':') {
                    p->err = "':' was expected";
                    return -1;
                }
                p->i++;
            }
            if (jskip(p, depth + 1) != 0)
                return -1;
            jws(p);
            if (p->i < p->n && p->s[p->i] == ',') {
                p->i++;
                continue;
            }
            if (p->i < p->n && p->s[p->i] == close) {
                p->i++;
                return 0;
            }
            p->err = "',' or a closing bracket was expected";
            return -1;
        }
    }
    size_t a = p->i;
    while (p->i < p->n && (strchr("+-.eE", p->s[p->i]) ||
                           (p->s[p->i] >= '0' && p->s[p->i] <= '9') ||
                           (p->s[p->i] >= 'a' && p->s[p->i] <= 'z')))
        p->i++;
    size_t k = p->i - a;
    if (k == 0 || ((p->s[a] < '0' || p->s[a] > '9') && p->s[a] != '-' &&
                   !(k == 4 && memcmp(p->s + a, "true", 4) == 0) &&
                   !(k == 5 && memcmp(p->s + a, "false", 5) == 0) &&
                   !(k == 4 && memcmp(p->s + a, "null", 4) == 0))) {
        p->err = "a value was expected";
        return -1;
    }
    return 0;
}

/* Parse {"id": ..., "text": "..."}: the raw id span and the decoded text. */
static int jdoc(jparse *p, size_t *id_a, size_t *id_b, gla_buf *text,
                int *has_text)
{
    *has_text = 0;
    *id_a = *id_b = 0;
    jws(p);
    if (p->i >= p->n || p->s[p->i] != '{') {
        p->err = "a JSON object was expected";
        return -1;
    }
    p->i++;
    jws(p);
    if (p->i < p->n && p->s[p->i] == '}') {
        p->i++;
    } else {
        for (;;) {
            jws(p);
            gla_buf key = GLA_BUF_INIT;
            if (jstring(p, &key) != 0) {
                gla_buf_dispose(&key);
                return -1;
            }
            jws(p);
            if (p->i >= p->n || p->s[p->i] != ':') {
                gla_buf_dispose(&key);
                p->err = "':' was expected";
                return -1;
            }
            p->i++;
            jws(p);
            int is_id = key.len == 2 && memcmp(key.data, "id", 2) == 0;
            int is_text = key.len == 4 && memcmp(key.data, "text", 4) == 0;
            gla_buf_dispose(&key);
            size_t a = p->i;
            if (is_text) {
                if (p->i >= p->n || p->s[p->i] != '"') {
                    p->err = "\"text\" must be a string";
                    return -1;
                }
                gla_buf_clear(text);
                if (jstring(p, text) != 0)
                    return -1;
                *has_text = 1;
            } else if (jskip(p, 0) != 0) {
                return -1;
            }
            if (is_id) {
                *id_a = a;
                *id_b = p->i;
            }
            jws(p);
            if (p->i < p->n && p->s[p->i] == ',') {
                p->i++;
                continue;
            }
            if (p->i < p->n && p->s[p->i] == '}') {
                p->i++;
                break;
            }
            p->err = "',' or '}' was expected";
            return -1;
        }
    }
    jws(p);
    if (p->i != p->n) {
        p->err = "text after the object";
        return -1;
    }
    if (!*has_text) {
        p->err = "no \"text\" member";
        return -1;
    }
    return 0;
}

static int annotate_jsonl(ann *a, FILE *f, const char *path)
{
    gla_buf line = GLA_BUF_INIT, text = GLA_BUF_INIT;
    int code = CLI_OK;
    size_t lineno = 0, bad = 0;
    for (;;) {
        gla_buf_clear(&line);
        int c, got = 0;
        char chunk[4096];
        while (fgets(chunk, sizeof chunk, f)) {
            got = 1;
            size_t n = strlen(chunk);
            gla_buf_put(&line, chunk, n);
            if (n && chunk[n - 1] == '\n')
                break;
        }
        (void)c;
        if (!got)
            break;
        lineno++;
        size_t n = line.len;
        while (n && (line.data[n - 1] == '\n' || line.data[n - 1] == '\r'))
            n--;
        size_t lead = 0;
        if (lineno == 1 && n >= 3 && memcmp(line.data, "\xEF\xBB\xBF", 3) == 0)
            lead = 3;
        size_t k = lead;
        while (k < n && (line.data[k] == ' ' || line.data[k] == '\t'))
            k++;
        if (k == n)
            continue; /* blank lines are not documents */
        jparse p = {line.data + lead, n - lead, 0, NULL};
        size_t ia, ib;
        int has_text;
        if (jdoc(&p, &ia, &ib, &text, &has_text) != 0) {
            cli_error("%s:%zu: byte %zu: %s", cli_input_name(path), lineno,
                      p.i + lead + 1, p.err);
            gla_buf_clear(&a->tmp);
            gla_buf_printf(&a->tmp, "line %zu: %s", lineno, p.err);
            out_str(&a->o, "{\"id\":null,\"error\":");
            out_json(&a->o, a->tmp.data, a->tmp.len);
            out_str(&a->o, "}\n");
            bad++;
            continue;
        }
        a->doc_id = ib > ia ? p.s + ia : "null";
        a->doc_id_len = ib > ia ? ib - ia : 4;
        doc_reset(a);
        a->n_mentions = 0;
        a->first_in_doc = 1;
        if (a->format != FMT_TSV) {
            out_str(&a->o, "{\"id\":");
            out_put(&a->o, a->doc_id, a->doc_id_len);
            out_str(&a->o, a->format == FMT_INLINE ? ",\"inline\":\""
                                                   : ",\"mentions\":[");
        }
        int rc = feed(a, text.data, text.len, 1);
        if (rc != GLA_OK) {
            cli_error("%s:%zu: %s", cli_input_name(path), lineno,
                      rc == GLA_ENOMEM ? "out of memory"
                                       : gla_scanner_errmsg(a->s));
            code = CLI_IO;
            break;
        }
        if (a->format != FMT_TSV)
            out_str(&a->o, a->format == FMT_INLINE ? "\"}\n" : "]}\n");
        if (a->o.failed)
            break;
    }
    if (ferror(f)) {
        cli_error("cannot read '%s'", cli_input_name(path));
        code = CLI_IO;
    }
    if (code == CLI_OK && bad) {
        cli_error("%s: %zu line%s could not be read", cli_input_name(path),
                  bad, bad == 1 ? "" : "s");
        code = CLI_INPUT;
    }
    gla_buf_dispose(&line);
    gla_buf_dispose(&text);
    return code;
}

/* ---- the command ---------------------------------------------------------- */

int cmd_annotate(int argc, char **argv)
{
    static const struct option opts[] = {
        {"format", required_argument, NULL, 'f'},
        {"to", required_argument, NULL, 't'},
        {"from", required_argument, NULL, 'F'},
        {"levels", required_argument, NULL, 'L'},
        {"all", no_argument, NULL, 'a'},
        {"jsonl", no_argument, NULL, 'J'},
        {"json", no_argument, NULL, 'j'},
        {"html", no_argument, NULL, 'H'},
        {"encoding", required_argument, NULL, 'e'},
        {"title", required_argument, NULL, 'T'},
        {"db", required_argument, NULL, 'd'},
        {"no-cache", no_argument, NULL, 'N'},
        {"no-partial", no_argument, NULL, 'P'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *db_opt = NULL, *to = NULL, *from = "fr", *encoding = NULL;
    const char *title = NULL, *format = NULL;
    unsigned levels = GLA_MATCH_LEVELS_ALL;
    int all = 0, jsonl = 0, no_cache = 0, no_partial = 0, c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
        switch (c) {
        case 'f': format = optarg; break;
        case 'j': format = "json"; break;
        case 'H': format = "html"; break;
        case 't': to = optarg; break;
        case 'F': from = optarg; break;
        case 'L':
            if (gla_match_levels_parse(&levels, optarg, strlen(optarg)) !=
                GLA_OK)
                return cli_usage_error(
                    "annotate",
                    "--levels: '%s' is not a list of exact, case, "
                    "diacritics, translit, inflection",
                    optarg);
            break;
        case 'a': all = 1; break;
        case 'J': jsonl = 1; break;
        case 'e': encoding = optarg; break;
        case 'T': title = optarg; break;
        case 'd': db_opt = optarg; break;
        case 'N': no_cache = 1; break;
        case 'P': no_partial = 1; break;
        case 'h': return cli_help_text(annotate_help);
        default: return cli_getopt_error("annotate", c, argv);
        }
    }
    int fmt = jsonl ? FMT_JSON : FMT_TSV;
    if (format) {
        if (strcmp(format, "tsv") == 0)
            fmt = FMT_TSV;
        else if (strcmp(format, "json") == 0 || strcmp(format, "jsonl") == 0)
            fmt = FMT_JSON;
        else if (strcmp(format, "inline") == 0)
            fmt = FMT_INLINE;
        else if (strcmp(format, "html") == 0)
            fmt = FMT_HTML;
        else
            return cli_usage_error("annotate",
                                   "--format: '%s' is not tsv, json, inline "
                                   "or html",
                                   format);
    }
    if (all && (fmt == FMT_INLINE || fmt == FMT_HTML))
        return cli_usage_error("annotate",
                               "--all needs --format tsv or json: inline "
                               "and html show one mention per place");
    if (jsonl && fmt == FMT_HTML)
        return cli_usage_error("annotate",
                               "--jsonl writes JSON Lines; --format html "
                               "makes one page of one document");
    if (!*from || strlen(from) > 15)
        return cli_usage_error("annotate", "--from: '%s' is not a language",
                               from);
    if (!to)
        to = strcmp(from, "vi") == 0 ? "fr" : "vi";
    if (!*to)
        return cli_usage_error("annotate", "--to: a language is needed");
    if (encoding && gla_encoding_check(encoding) != GLA_OK)
        return cli_usage_error("annotate",
                               "--encoding: '%s' is not an encoding iconv "
                               "or glossalign knows",
                               encoding);
    if (optind + 1 < argc)
        return cli_usage_error("annotate", "one input at a time (got '%s' "
                               "and '%s')", argv[optind], argv[optind + 1]);
    const char *path = optind < argc ? argv[optind] : "-";
    if (jsonl && encoding)
        return cli_usage_error("annotate",
                               "--jsonl input is UTF-8 JSON; --encoding does "
                               "not apply");

    FILE *in = cli_open_input(path);
    if (!in)
        return CLI_IO;
    ann a;
    memset(&a, 0, sizeof a);
    a.o.is_stdout = 1;
    a.format = fmt;
    a.to = to;
    a.jsonl = jsonl;
    a.partial = !no_partial;
    int code = cli_db_open(&a.db, db_opt, GLA_DB_READONLY, NULL);
    if (code != CLI_OK) {
        cli_close_input(in);
        return code;
    }
    gla_matcher_options mo = GLA_MATCHER_OPTIONS_INIT;
    mo.source_lang = from;
    int rc = gla_matcher_open(&a.m, a.db, no_cache ? NULL : cli_db_path(db_opt),
                              &mo);
    if (rc != GLA_OK) {
        cli_error("cannot load the glossary for matching: %s",
                  a.m ? gla_matcher_errmsg(a.m) : "out of memory");
        gla_matcher_free(a.m);
        gla_db_close(a.db);
        cli_close_input(in);
        return rc == GLA_ENOMEM ? CLI_IO : CLI_DB;
    }
    gla_matcher_stats st;
    gla_matcher_stats_get(&st, a.m);
    if (st.skipped_terms)
        cli_note("%zu glossary term%s cannot be matched (no word, or more "
                 "than %d words)",
                 st.skipped_terms, st.skipped_terms == 1 ? "" : "s",
                 GLA_MATCH_MAX_TOKENS);
    gla_scan_options so = GLA_SCAN_OPTIONS_INIT;
    so.levels = levels;
    so.all = all;
    if (gla_scanner_new(&a.s, a.m, &so) != GLA_OK) {
        cli_error("out of memory");
        gla_matcher_free(a.m);
        gla_db_close(a.db);
        cli_close_input(in);
        return CLI_IO;
    }
    if (fmt == FMT_TSV) {
        out_str(&a.o, jsonl ? "id\t" : "");
        out_str(&a.o, "start\tend\tsurface\tentry\tkind\tlevel\tscore\tflags"
                      "\tcanonical\ttarget\n");
    }
    if (fmt == FMT_HTML) {
        const char *t = title ? title
                        : strcmp(path, "-") == 0 ? "standard input"
                                                 : path;
        html_head(&a, t);
    }
    code = jsonl ? annotate_jsonl(&a, in, path)
                 : annotate_stream(&a, in, path, encoding);
    cli_close_input(in);
    if (fmt == FMT_HTML && code == CLI_OK)
        html_tail(&a);
    out_flush(&a.o);
    int failed = a.o.failed;
    gla_buf_dispose(&a.o.b);
    gla_buf_dispose(&a.tmp);
    gla_buf_dispose(&a.tcache_text);
    gla_buf_dispose(&a.rcache_text);
    gla_buf_dispose(&a.win);
    free(a.pend);
    free(a.hits);
    gla_partial_free(a.pm);
    free(a.pms);
    free(a.seen);
    free(a.slot);
    gla_scanner_free(a.s);
    gla_matcher_free(a.m);
    gla_db_close(a.db);
    if (failed && code == CLI_OK)
        code = CLI_IO;
    return cli_finish(code);
}
