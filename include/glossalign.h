/*
 * glossalign.h - the whole public API of glossalign: a French/Vietnamese
 * (English pivot) glossary store, text normalisation, term spotting and
 * name resolution. Include this; the module headers follow.
 */
#ifndef GLOSSALIGN_H
#define GLOSSALIGN_H

#include <glossalign/common.h>
#include <glossalign/align.h>
#include <glossalign/check.h>
#include <glossalign/extract.h>
#include <glossalign/encoding.h>
#include <glossalign/glossary.h>
#include <glossalign/io.h>
#include <glossalign/match.h>
#include <glossalign/names.h>
#include <glossalign/normalize.h>
#include <glossalign/partial.h>
#include <glossalign/tokenize.h>

#endif
