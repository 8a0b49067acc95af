/*
 * TBX writer: TBX v3, TBX-Basic dialect, DCA style. What TBX-Basic has no
 * category for (kind, homonym, case, the forbidden status) goes into notes
 * of the form "glossalign:key=value", which the reader turns back.
 */
#include "io_int.h"

#include <string.h>

/* Append text with XML escaping. Control characters other than tab and
 * LF were refused before. */
static void put_xml(gla_writer *w, const char *s, size_t len, int attr)
{
    size_t from = 0;
    for (size_t i = 0; i < len; i++) {
        const char *rep = NULL;
        switch (s[i]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = attr ? "&quot;" : NULL; break;
        case '\t': rep = attr ? "&#9;" : NULL; break;
        case '\n': rep = attr ? "&#10;" : NULL; break;
        default: break;
        }
        if (!rep)
            continue;
        io_w_put(w, s + from, i - from);
        io_w_puts(w, rep);
        from = i + 1;
    }
    io_w_put(w, s + from, len - from);
}

static void put_xs(gla_writer *w, const char *s)
{
    put_xml(w, s, strlen(s), 0);
}

/* <elem type="type">text</elem> on its own line. */
static void put_cat(gla_writer *w, int indent, const char *elem,
                    const char *type, const char *s, size_t len)
{
    io_w_printf(w, "%*s<%s", indent, "", elem);
    if (type)
        io_w_printf(w, " type=\"%s\"", type);
    io_w_put(w, ">", 1);
    put_xml(w, s, len, 0);
    io_w_printf(w, "</%s>\n", elem);
}

static int refuse_controls(gla_writer *w, const gla_entry *e, const char *s,
                           const char *what)
{
    if (!s)
        return GLA_OK;
    size_t bad = 0;
    if (io_text_check(s, strlen(s), 1, &bad, NULL) == GLA_EPARSE)
        return io_w_fail(w, GLA_EINVAL,
                         "entry '%s': control character U+%04X in %s cannot "
                         "be written to XML",
                         e->ref ? e->ref : "(no id)", (unsigned)s[bad], what);
    return GLA_OK;
}

int io_tbx_begin(gla_writer *w)
{
    io_w_puts(w, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    io_w_printf(w,
                "<tbx style=\"dca\" type=\"TBX-Basic\" xml:lang=\"%s\" "
                "xmlns=\"urn:iso:std:iso:30042:ed-2\">\n",
                w->xml_lang);
    io_w_puts(w, "  <tbxHeader>\n    <fileDesc>\n");
    if (w->title) {
        io_w_puts(w, "      <titleStmt>\n        <title>");
        put_xs(w, w->title);
        io_w_puts(w, "</title>\n      </titleStmt>\n");
    }
    io_w_printf(w,
                "      <sourceDesc>\n        <p>Exported by glossalign "
                "%s</p>\n      </sourceDesc>\n",
                gla_version());
    io_w_puts(w, "    </fileDesc>\n  </tbxHeader>\n  <text>\n    <body>\n");
    return GLA_OK;
}

int io_tbx_finish(gla_writer *w)
{
    io_w_puts(w, "    </body>\n  </text>\n</tbx>\n");
    return GLA_OK;
}

static const char *const status_values[] = {
    "admittedTerm-admn-sts",   /* admitted */
    "preferredTerm-admn-sts",  /* preferred */
    "deprecatedTerm-admn-sts", /* deprecated */
    "supersededTerm-admn-sts", /* superseded */
    "deprecatedTerm-admn-sts", /* forbidden, with a glossalign note */
};

/* A term note: lines "context: …" become context descrips, runs of other
 * lines one <note> each, in order. */
static void put_term_note(gla_writer *w, const char *s)
{
    size_t len = strlen(s), i = 0, run = 0;
    int in_run = 0;
    for (;;) {
        const char *nl = memchr(s + i, '\n', len - i);
        size_t end = nl ? (size_t)(nl - s) : len;
        int ctx = end - i >= 9 && memcmp(s + i, "context: ", 9) == 0;
        if (ctx) {
            if (in_run)
                put_cat(w, 12, "note", NULL, s + run, i - 1 - run);
            in_run = 0;
            put_cat(w, 12, "descrip", "context", s + i + 9, end - i - 9);
        } else if (!in_run) {
            in_run = 1;
            run = i;
        }
        if (!nl)
            break;
        i = end + 1;
    }
    if (in_run)
        put_cat(w, 12, "note", NULL, s + run, len - run);
}

int io_tbx_put(gla_writer *w, const gla_entry *e)
{
    int rc;
    if ((rc = refuse_controls(w, e, e->subject, "subject")) ||
        (rc = refuse_controls(w, e, e->definition, "definition")) ||
        (rc = refuse_controls(w, e, e->note, "note")))
        return rc;
    for (size_t i = 0; i < e->n_terms; i++) {
        const gla_term *t = &e->terms[i];
        char lang[IO_LANG_MAX];
        if (io_lang_canon(lang, t->lang, strlen(t->lang)))
            return io_w_fail(w, GLA_EINVAL, "entry '%s': bad language '%s'",
                             e->ref ? e->ref : "(no id)", t->lang);
        const char *s = t->text;
        size_t n = strlen(s);
        io_trim(&s, &n);
        if (!n)
            return io_w_fail(w, GLA_EINVAL, "entry '%s': empty term",
                             e->ref ? e->ref : "(no id)");
        if ((rc = refuse_controls(w, e, t->text, "term")) ||
            (rc = refuse_controls(w, e, t->pos, "part of speech")) ||
            (rc = refuse_controls(w, e, t->note, "term note")) ||
            (rc = refuse_controls(w, e, t->source, "source")))
            return rc;
    }
    if (!e->n_terms)
        return io_w_fail(w, GLA_EINVAL,
                         "entry '%s' has no terms; a TBX concept needs one",
                         e->ref ? e->ref : "(no id)");

    /* Ids are XML names: one that starts with a digit gets a '_'. */
    if (e->ref && *e->ref) {
        io_w_puts(w, "      <conceptEntry id=\"");
        if (e->ref[0] >= '0' && e->ref[0] <= '9')
            io_w_put(w, "_", 1);
        put_xml(w, e->ref, strlen(e->ref), 1);
        io_w_puts(w, "\">\n");
    } else {
        io_w_printf(w, "      <conceptEntry id=\"glossalign.anon.%zu\">\n",
                    w->st.entries + 1);
    }
    if (e->subject && *e->subject)
        put_cat(w, 8, "descrip", "subjectField", e->subject,
                strlen(e->subject));
    if (e->definition && *e->definition)
        put_cat(w, 8, "descrip", "definition", e->definition,
                strlen(e->definition));
    if (e->kind != GLA_KIND_TERM)
        io_w_printf(w, "        <note>glossalign:kind=%s</note>\n",
                    gla_kind_name(e->kind));
    if (e->homonym)
        io_w_puts(w, "        <note>glossalign:homonym=yes</note>\n");
    if (e->note && *e->note)
        put_cat(w, 8, "note", NULL, e->note, strlen(e->note));

    /* Terms grouped by language, languages in order of first appearance. */
    for (size_t i = 0; i < e->n_terms; i++) {
        char lang[IO_LANG_MAX], other[IO_LANG_MAX];
        io_lang_canon(lang, e->terms[i].lang, strlen(e->terms[i].lang));
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++) {
            io_lang_canon(other, e->terms[j].lang, strlen(e->terms[j].lang));
            seen = strcmp(lang, other) == 0;
        }
        if (seen)
            continue;
        io_w_printf(w, "        <langSec xml:lang=\"%s\">\n", lang);
        for (size_t j = i; j < e->n_terms; j++) {
            const gla_term *t = &e->terms[j];
            io_lang_canon(other, t->lang, strlen(t->lang));
            if (strcmp(lang, other) != 0)
                continue;
            const char *s = t->text;
            size_t n = strlen(s);
            io_trim(&s, &n);
            io_w_puts(w, "          <termSec>\n            <term>");
            put_xml(w, s, n, 0);
            io_w_puts(w, "</term>\n");
            put_cat(w, 12, "termNote", "administrativeStatus",
                    status_values[t->status], strlen(status_values[t->status]));
            put_cat(w, 12, "termNote", "termType", gla_type_name(t->type),
                    strlen(gla_type_name(t->type)));
            if (t->pos && *t->pos)
                put_cat(w, 12, "termNote", "partOfSpeech", t->pos,
                        strlen(t->pos));
            if (t->source && *t->source)
                put_cat(w, 12, "admin", "source", t->source, strlen(t->source));
            if (t->status == GLA_STATUS_FORBIDDEN)
                io_w_puts(w, "            "
                             "<note>glossalign:status=forbidden</note>\n");
            if (t->case_mode != GLA_CASE_DEFAULT)
                io_w_printf(w, "            <note>glossalign:case=%s</note>\n",
                            gla_case_name(t->case_mode));
            if (t->note && *t->note)
                put_term_note(w, t->note);
            io_w_puts(w, "          </termSec>\n");
        }
        io_w_puts(w, "        </langSec>\n");
    }
    w->st.records++;
    io_w_puts(w, "      </conceptEntry>\n");
    return GLA_OK;
}
